using System.Buffers.Binary;
using NAudio.Wave;
using RoleplayHub.Audio;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Assembles TTS parts into one WAV clip (one header, the parts' samples back to back) and approximates a viseme
/// track from its loudness, since the REST API reports no phoneme timings.
/// </summary>
internal static class PcmClip
{
    /// <summary>
    /// The PCM samples of a part: raw <c>pcm</c> as is, or the <c>data</c> chunk of a <c>wav</c> read by NAudio's
    /// <see cref="WaveFileReader"/>, which also checks that the reply is the format that was asked for. A streamed WAV
    /// may carry placeholder sizes: one larger than what arrived (0x7FFFFFFF, 0xFFFFFFFF) NAudio clamps to the end; a
    /// 0 RIFF size is replaced by what arrived (NAudio reads chunks only within the declared size, so the reply's own
    /// array is patched) and a 0 data size means the data runs to the end.
    /// </summary>
    public static byte[] Samples(byte[] audio, string format, int sampleRate)
    {
        if (format != "wav")
        {
            return audio.Length % 2 == 0 ? audio : audio[..^1];
        }

        if (audio.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(audio.AsSpan(4)) == 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(audio.AsSpan(4), (uint)audio.Length - 8);
        }

        try
        {
            using var stream = new MemoryStream(audio, writable: false);
            using var reader = new WaveFileReader(stream);
            if (reader.WaveFormat.AsStandardWaveFormat() is not { Encoding: WaveFormatEncoding.Pcm, BitsPerSample: 16, Channels: 1 }
                || reader.WaveFormat.SampleRate != sampleRate)
            {
                throw new InvalidDataException($"The TTS reply is {reader.WaveFormat}, not the 16-bit mono PCM at {sampleRate} Hz that was asked for.");
            }

            // A new reader stands at the start of the data chunk.
            var length = reader.Length > 0 ? reader.Length : stream.Length - stream.Position;
            var pcm = new byte[length & ~1];
            stream.ReadExactly(pcm);
            return pcm;
        }
        catch (Exception ex) when (ex is FormatException or EndOfStreamException)
        {
            throw new InvalidDataException($"The TTS reply is not a readable WAV file: {ex.Message}", ex);
        }
    }

    public static byte[] Wav(IReadOnlyList<byte[]> pcmParts, int sampleRate)
    {
        var file = new byte[WavFile.HeaderSize + pcmParts.Sum(p => p.Length)];
        using (var stream = new MemoryStream(file, writable: true))
        using (var writer = new WaveFileWriter(stream, WavFile.Pcm16(sampleRate)))
        {
            foreach (var part in pcmParts)
            {
                writer.Write(part);
            }
        }

        return file;
    }
}
