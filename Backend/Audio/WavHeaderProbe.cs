using System.Buffers.Binary;
using RoleplayHub.Core;

namespace RoleplayHub.Audio;

/// <summary>
/// Reads a WAV stream's sample rate and channels from its first bytes, as they arrive, so the session can size its
/// flushes for the audio it really gets. Only reads; the decoder (<see cref="WavStreamDecoder"/>) validates the header
/// and reports what is wrong with it.
/// </summary>
public static class WavHeaderProbe
{
    /// <summary>Bytes within which a WAV's <c>fmt </c> chunk must be found (the decoder's header limit).</summary>
    public const int MaxHeaderBytes = 4_096;

    /// <summary>The format when <paramref name="head"/> (the stream's first bytes) holds a usable <c>fmt </c> chunk;
    /// otherwise null, with <paramref name="needMore"/> telling whether more bytes could still make it one.</summary>
    public static (int SampleRate, int Channels)? Read(ReadOnlySpan<byte> head, out bool needMore)
    {
        needMore = false;
        if (head.Length < 12)
        {
            needMore = head.Length < MaxHeaderBytes && "RIFF"u8[..Math.Min(4, head.Length)].SequenceEqual(head[..Math.Min(4, head.Length)]);
            return null;
        }

        if (!head[..4].SequenceEqual("RIFF"u8) || !head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return null;
        }

        for (var position = 12; position + 8 <= head.Length;)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(position + 4, 4));
            var body = position + 8;
            if (head.Slice(position, 4).SequenceEqual("fmt "u8))
            {
                if (body + 8 > head.Length)
                {
                    break;
                }

                var channels = BinaryPrimitives.ReadUInt16LittleEndian(head.Slice(body + 2, 2));
                var rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(body + 4, 4));
                return AudioFormat.SupportedSampleRates.Contains(rate) && channels is 1 or 2 ? (rate, channels) : null;
            }

            if (head.Slice(position, 4).SequenceEqual("data"u8) || size > MaxHeaderBytes)
            {
                return null; // no format before the data: the decoder says so
            }

            position = body + (int)size + (int)(size & 1);
        }

        needMore = head.Length < MaxHeaderBytes;
        return null;
    }
}
