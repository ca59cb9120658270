using System.Buffers.Binary;

namespace RoleplayHub.Audio;

/// <summary>Writes the canonical 44-byte header of a 16-bit PCM WAV file.</summary>
public static class WavFile
{
    public const int HeaderSize = 44;

    public static void WriteHeader(Span<byte> destination, int sampleRate, int channels, int dataBytes)
    {
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(destination[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(destination[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(destination[32..], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(destination[34..], 16);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], dataBytes);
    }

    /// <summary>A whole WAV file for mono PCM16 samples.</summary>
    public static byte[] Create(ReadOnlySpan<short> samples, int sampleRate)
    {
        var data = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples);
        var file = new byte[HeaderSize + data.Length];
        WriteHeader(file, sampleRate, 1, data.Length);
        data.CopyTo(file.AsSpan(HeaderSize));
        return file;
    }
}
