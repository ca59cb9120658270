using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NAudio.Wave;

namespace RoleplayHub.Audio;

/// <summary>
/// Whole 16-bit PCM WAV files in memory, written and read by NAudio (<see cref="WaveFileWriter"/>,
/// <see cref="WaveFileReader"/>). For PCM NAudio writes the canonical 44-byte header (a 16-byte <c>fmt </c> chunk, no
/// <c>cbSize</c>), which players, the tests and <c>Content-Length</c> arithmetic rely on.
/// </summary>
public static class WavFile
{
    /// <summary>Bytes before the samples in every WAV this service writes.</summary>
    public const int HeaderSize = 44;

    /// <summary>16-bit PCM at <paramref name="sampleRate"/>.</summary>
    public static WaveFormat Pcm16(int sampleRate, int channels = 1) => new(sampleRate, 16, channels);

    /// <summary>A whole WAV file for mono PCM16 samples.</summary>
    public static byte[] Create(ReadOnlySpan<short> samples, int sampleRate)
    {
        var data = MemoryMarshal.AsBytes(samples);
        var file = new byte[HeaderSize + data.Length];
        Write(file, data, Pcm16(sampleRate));
        return file;
    }

    /// <summary>
    /// Writes a WAV file of <paramref name="pcm"/> into the start of <paramref name="destination"/> (for a pooled
    /// array); returns its length, <see cref="HeaderSize"/> + the data.
    /// </summary>
    public static int Write(byte[] destination, ReadOnlySpan<byte> pcm, WaveFormat format)
    {
        var size = HeaderSize + pcm.Length;
        using (var stream = new MemoryStream(destination, 0, size, writable: true))
        using (var writer = new WaveFileWriter(stream, format))
        {
            writer.Write(pcm);
        }

        return size;
    }

    /// <summary>
    /// Writes the canonical header of a mono PCM16 WAV whose samples are <paramref name="dataLength"/> bytes into
    /// <paramref name="destination"/>: the bytes NAudio's writer produces (a test pins them), written by hand for the
    /// callers that write a header per chunk or per recording into a buffer or a file of their own, where NAudio's
    /// writer would allocate a stream and writers each time.
    /// </summary>
    public static void WriteHeader(Span<byte> destination, int dataLength, int sampleRate)
    {
        var d = destination[..HeaderSize];
        "RIFF"u8.CopyTo(d);
        BinaryPrimitives.WriteInt32LittleEndian(d[4..], 36 + dataLength); // the file after these 8 bytes
        "WAVEfmt "u8.CopyTo(d[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(d[16..], 16);            // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(d[20..], 1);             // PCM
        BinaryPrimitives.WriteInt16LittleEndian(d[22..], 1);             // mono
        BinaryPrimitives.WriteInt32LittleEndian(d[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(d[28..], sampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(d[32..], 2);             // block align
        BinaryPrimitives.WriteInt16LittleEndian(d[34..], 16);            // bits per sample
        "data"u8.CopyTo(d[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(d[40..], dataLength);
    }

    /// <summary>A WAV file's format and its samples as PCM16 (the file must be 16-bit PCM).</summary>
    public static (WaveFormat Format, short[] Samples) ReadPcm16(string path)
    {
        using var reader = new WaveFileReader(path);
        if (reader.WaveFormat.AsStandardWaveFormat() is not { Encoding: WaveFormatEncoding.Pcm, BitsPerSample: 16 })
        {
            throw new InvalidDataException($"{path} is {reader.WaveFormat}, not 16-bit PCM.");
        }

        var samples = new short[reader.Length / 2];
        reader.ReadExactly(MemoryMarshal.AsBytes(samples.AsSpan()));
        return (reader.WaveFormat, samples);
    }
}
