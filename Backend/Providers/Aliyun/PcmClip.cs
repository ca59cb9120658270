using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NAudio.Wave;
using RoleplayHub.Audio;
using RoleplayHub.Core;

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

    /// <summary>
    /// A mouth-openness track from the loudness envelope (40 ms windows): loud → <c>aa</c>, medium → <c>E</c>, soft →
    /// <c>nn</c>, silence → <c>sil</c>. It follows the real syllable timing of the audio but not the mouth shapes of
    /// the phonemes — an approximation, documented in docs/providers.md.
    /// </summary>
    public static IReadOnlyList<VisemeCue> Visemes(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var samples = MemoryMarshal.Cast<byte, short>(pcm);
        var window = sampleRate / 25;
        if (samples.Length < window)
        {
            return [new VisemeCue(0, "sil")];
        }

        var levels = new List<double>(samples.Length / window);
        for (var start = 0; start + window <= samples.Length; start += window)
        {
            double sum = 0;
            foreach (var s in samples.Slice(start, window))
            {
                sum += (double)s * s;
            }

            levels.Add(Math.Sqrt(sum / window));
        }

        var peak = Math.Max(levels.Max(), 1);
        var cues = levels.Select((level, i) =>
        {
            var db = 20 * Math.Log10(Math.Max(level, 1) / peak);
            var shape = level < 100 ? "sil" : db > -6 ? "aa" : db > -14 ? "E" : db > -30 ? "nn" : "sil";
            return new VisemeCue(i * 40, shape);
        });
        var endMs = (int)(samples.Length * 1000L / sampleRate);
        return Tts.Espeak.Visemes.Compact(cues, endMs);
    }
}
