using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NAudio.Wave;
using RoleplayHub.Audio;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Assembles TTS parts into one WAV clip (one header, the parts' samples back to back) and approximates a viseme
/// track from its loudness, since the REST API reports no phoneme timings.
/// </summary>
internal static class PcmClip
{
    /// <summary>The PCM samples of a part: raw <c>pcm</c> as is, or the <c>data</c> chunk of a <c>wav</c>. A streamed
    /// WAV may carry a placeholder size (0 or 0x7FFFFFFF), so the data runs to the end of what was received.</summary>
    public static ReadOnlySpan<byte> Samples(ReadOnlySpan<byte> audio, string format)
    {
        if (format != "wav")
        {
            return audio[..(audio.Length & ~1)];
        }

        if (audio.Length < 12 || !audio[..4].SequenceEqual("RIFF"u8) || !audio[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("The TTS reply is not a WAV file.");
        }

        var position = 12;
        while (position + 8 <= audio.Length)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(audio[(position + 4)..]);
            if (audio.Slice(position, 4).SequenceEqual("data"u8))
            {
                var data = audio[(position + 8)..];
                var length = size == 0 || size > (uint)data.Length ? data.Length : (int)size;
                return data[..(length & ~1)];
            }

            position += 8 + (int)Math.Min(size + (size & 1), int.MaxValue - position - 8);
        }

        throw new InvalidDataException("The TTS WAV reply has no data chunk.");
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
