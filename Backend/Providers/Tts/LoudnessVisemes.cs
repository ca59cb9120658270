using System.Runtime.InteropServices;
using RoleplayHub.Core;

namespace RoleplayHub.Providers.Tts;

/// <summary>Lip-sync for audio that comes without phoneme timings, read from the audio itself.</summary>
public static class LoudnessVisemes
{
    /// <summary>
    /// A mouth-openness track from the loudness envelope (40 ms windows): loud → <c>aa</c>, medium → <c>E</c>, soft →
    /// <c>nn</c>, silence → <c>sil</c>. It follows the real syllable timing of the audio but not the mouth shapes of
    /// the phonemes — an approximation, documented in docs/providers.md. For
    /// engines that report no phoneme timings: Aliyun's REST voices, realtime speech-to-speech models.
    /// </summary>
    public static IReadOnlyList<VisemeCue> FromPcm16(ReadOnlySpan<byte> pcm, int sampleRate)
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
        return Espeak.Visemes.Compact(cues, endMs);
    }
}
