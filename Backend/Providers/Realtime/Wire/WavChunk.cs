using System.Buffers.Binary;

namespace RoleplayHub.Providers.Realtime.Wire;

/// <summary>
/// GLM takes each audio chunk as a whole WAV file. The canonical 44-byte PCM16 mono header (the one NAudio writes for
/// <see cref="Audio.WavFile"/>) is written here by hand into the caller's pooled buffer: NAudio's writer allocates a
/// stream and writers per call, and this runs for every chunk.
/// </summary>
internal static class WavChunk
{
    public const int HeaderSize = 44;

    /// <summary>Writes the header and <paramref name="pcm16"/> into <paramref name="destination"/>; returns the file's length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        var d = destination;
        "RIFF"u8.CopyTo(d);
        BinaryPrimitives.WriteInt32LittleEndian(d[4..], 36 + pcm16.Length);
        "WAVEfmt "u8.CopyTo(d[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], 16);            // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(d[20..], 1);             // PCM
        BinaryPrimitives.WriteInt16LittleEndian(d[22..], 1);             // mono
        BinaryPrimitives.WriteInt32LittleEndian(d[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(d[28..], sampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(d[32..], 2);             // block align
        BinaryPrimitives.WriteInt16LittleEndian(d[34..], 16);            // bits per sample
        "data"u8.CopyTo(d[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(d[40..], pcm16.Length);
        pcm16.CopyTo(d[HeaderSize..]);
        return HeaderSize + pcm16.Length;
    }
}
