using System.Runtime.InteropServices;
using RoleplayHub.Audio;

namespace RoleplayHub.Bench.Vad;

/// <summary>A pocketsphinx-testdata recording and where its words begin and end (ms from its first sample), with the
/// silences between its words as the alignment places them (<see cref="PausesMs"/>): a turn detector whose silence is
/// shorter than one of these may end the turn there.</summary>
internal sealed record AlignedClip(string Name, short[] Samples, int FirstWordMs, int LastWordEndMs, int[] PausesMs);

/// <summary>The test recordings with their words placed by a forced alignment: the voice detectors are scored against
/// them (<see cref="VadBenchmark"/>), and the latency scenario measures from their last word's end.</summary>
internal static class AlignedClips
{
    private const string Data = "/usr/share/pocketsphinx/test/data";

    /// <summary>Every librivox, cards and goforward clip with where its words begin and end.</summary>
    public static async Task<List<AlignedClip>> LoadAsync()
    {
        var aligned = new List<AlignedClip>();
        foreach (var (name, samples, transcript) in Transcribed())
        {
            var segments = ForcedAlignment.Align(samples, transcript);
            var words = segments.Where(s => s.Word.Length > 0 && s.Word[0] is not ('<' or '[' or '+')).ToList();
            var text = string.Join(' ', words.Select(w => w.Word.Split('(')[0]));
            if (text != transcript)
            {
                throw new InvalidOperationException($"{name}: the forced alignment failed (\"{text}\" for \"{transcript}\").");
            }

            Console.Error.WriteLine($"{name}: {string.Join(" ", segments.Select(s => $"{s.Word}[{s.StartMs}-{s.EndMs}]"))}");
            var pauses = words.Zip(words.Skip(1), (a, b) => b.StartMs - a.EndMs).Where(gap => gap > 0).ToArray();
            aligned.Add(new AlignedClip(name, samples, words[0].StartMs, words[^1].EndMs, pauses));
        }

        return aligned;
    }

    /// <summary>Every librivox, cards and goforward clip with its transcript (the data set's own).</summary>
    public static List<(string Name, short[] Samples, string Transcript)> Transcribed()
    {
        if (!Directory.Exists(Data))
        {
            throw new DirectoryNotFoundException($"{Data} is missing: apt-get install pocketsphinx-testdata (scripts/setup.sh test installs it).");
        }

        var list = new List<(string Name, short[] Samples, string Transcript)>();
        foreach (var (folder, file) in new[] { ("librivox", "transcription"), ("cards", "cards.transcription") })
        {
            foreach (var line in File.ReadAllLines(Path.Combine(Data, folder, file)))
            {
                var id = line[(line.LastIndexOf('(') + 1)..^1];
                var words = line[..line.LastIndexOf('(')].Replace("<s>", "", StringComparison.Ordinal).Replace("</s>", "", StringComparison.Ordinal).Trim();
                list.Add(($"{folder}/{id}", WavFile.ReadPcm16(Path.Combine(Data, folder, id + ".wav")).Samples, string.Join(' ', words.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
            }
        }

        list.Add(("goforward.raw", MemoryMarshal.Cast<byte, short>(File.ReadAllBytes(Path.Combine(Data, "goforward.raw")).AsSpan()).ToArray(), "go forward ten meters"));
        return list;
    }
}
