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
