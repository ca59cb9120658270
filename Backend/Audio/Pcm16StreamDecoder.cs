using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>Raw PCM16 (little-endian, mono or interleaved stereo) at any supported rate → 16 kHz mono.</summary>
public sealed class Pcm16StreamDecoder : IAudioStreamDecoder
{
    private readonly int _channels;
    private readonly PolyphaseResampler? _resampler;
    private readonly byte[] _carry = new byte[4]; // a frame split across two calls
    private int _carryCount;

    public Pcm16StreamDecoder(int sampleRate, int channels)
    {
        if (channels is < 1 or > 2)
        {
            throw new AudioFormatException($"PCM16 with {channels} channels is not supported; use mono or stereo.");
        }

        _channels = channels;
        _resampler = sampleRate == AudioFormat.NormalizedSampleRate ? null : new PolyphaseResampler(sampleRate, AudioFormat.NormalizedSampleRate);
    }

    public ValueTask DecodeAsync(ReadOnlyMemory<byte> input, PcmBuffer output, CancellationToken cancellationToken)
    {
        Decode(input.Span, output);
        return ValueTask.CompletedTask;
    }

    public ValueTask EndUtteranceAsync(PcmBuffer output, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Synchronous core, also used by the WAV decoder once it has read the header.</summary>
    public void Decode(ReadOnlySpan<byte> input, PcmBuffer output)
    {
        var frameBytes = 2 * _channels;
        if (_carryCount > 0)
        {
            var need = frameBytes - _carryCount;
            if (input.Length < need)
            {
                input.CopyTo(_carry.AsSpan(_carryCount));
                _carryCount += input.Length;
                return;
            }

            input[..need].CopyTo(_carry.AsSpan(_carryCount));
            DecodeFrames(_carry.AsSpan(0, frameBytes), output);
            input = input[need..];
            _carryCount = 0;
        }

        var whole = input.Length - (input.Length % frameBytes);
        DecodeFrames(input[..whole], output);
        input[whole..].CopyTo(_carry);
        _carryCount = input.Length - whole;
    }

    private void DecodeFrames(ReadOnlySpan<byte> frames, PcmBuffer output)
    {
        if (frames.IsEmpty)
        {
            return;
        }

        var frameCount = frames.Length / (2 * _channels);
        if (_resampler is null)
        {
            var destination = output.GetSpan(frameCount);
            if (_channels == 1 && BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, short>(frames).CopyTo(destination); // already what the buffer holds
                output.Advance(frameCount);
                return;
            }

            for (var i = 0; i < frameCount; i++)
            {
                destination[i] = _channels == 1
                    ? BinaryPrimitives.ReadInt16LittleEndian(frames[(2 * i)..])
                    : (short)((BinaryPrimitives.ReadInt16LittleEndian(frames[(4 * i)..]) + BinaryPrimitives.ReadInt16LittleEndian(frames[((4 * i) + 2)..])) >> 1);
            }

            output.Advance(frameCount);
            return;
        }

        var floats = ArrayPool<float>.Shared.Rent(frameCount);
        try
        {
            for (var i = 0; i < frameCount; i++)
            {
                floats[i] = _channels == 1
                    ? BinaryPrimitives.ReadInt16LittleEndian(frames[(2 * i)..]) / 32768f
                    : (BinaryPrimitives.ReadInt16LittleEndian(frames[(4 * i)..]) + BinaryPrimitives.ReadInt16LittleEndian(frames[((4 * i) + 2)..])) / 65536f;
            }

            _resampler.Process(floats.AsSpan(0, frameCount), output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
        }
    }
}
