using System.Buffers;
using System.Runtime.InteropServices;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>
/// A growable run of 16 kHz mono PCM16 samples (little-endian) in a pooled byte array, viewable as samples for DSP
/// and as bytes for I/O without copying. Not thread-safe.
/// </summary>
public sealed class PcmBuffer : IDisposable
{
    private byte[] _bytes;
    private int _count; // samples

    public PcmBuffer(int initialSamples = 16_384) => _bytes = ArrayPool<byte>.Shared.Rent(initialSamples * 2);

    public int Count => _count;

    public ReadOnlySpan<short> Samples => MemoryMarshal.Cast<byte, short>(_bytes.AsSpan(0, _count * 2));

    public ReadOnlyMemory<byte> Bytes => _bytes.AsMemory(0, _count * 2);

    public TimeSpan Duration => TimeSpan.FromSeconds((double)_count / AudioFormat.NormalizedSampleRate);

    /// <summary>Space for at least <paramref name="samples"/> more samples; call <see cref="Advance"/> after writing.</summary>
    public Span<short> GetSpan(int samples)
    {
        EnsureCapacity(_count + samples);
        return MemoryMarshal.Cast<byte, short>(_bytes.AsSpan(_count * 2, samples * 2));
    }

    public void Advance(int samples) => _count += samples;

    public void Write(ReadOnlySpan<short> samples)
    {
        samples.CopyTo(GetSpan(samples.Length));
        _count += samples.Length;
    }

    public void Clear() => _count = 0;

    public void Dispose()
    {
        var bytes = Interlocked.Exchange(ref _bytes, []);
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void EnsureCapacity(int samples)
    {
        if (samples * 2 <= _bytes.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(samples * 2, _bytes.Length * 2));
        _bytes.AsSpan(0, _count * 2).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }
}
