using RoleplayHub.Core;

namespace RoleplayHub.Providers.Tts.Espeak;

/// <summary>
/// Maps espeak-ng's IPA phoneme events to the 15 visemes of the Oculus/Meta lip-sync set
/// (<c>sil PP FF TH DD kk CH SS nn RR aa E I O U</c>), the set most web and Unity avatar rigs ship blend shapes for.
/// docs/hub-contract.md lists them with example mouth shapes.
/// </summary>
public static class Visemes
{
    public static readonly IReadOnlyList<string> All = ["sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "I", "O", "U"];

    public static string FromIpa(string phoneme)
    {
        var p = phoneme.Replace("ˈ", "", StringComparison.Ordinal).Replace("ˌ", "", StringComparison.Ordinal).Replace("ː", "", StringComparison.Ordinal).Trim();
        if (p.Length == 0 || p == "_")
        {
            return "sil";
        }

        // Affricates look like their fricative part: tʃ dʒ tɕ tʂ (English ch/j, Mandarin j q zh ch) and ts dz (z c).
        if (p.Length > 1 && p[0] is 't' or 'd')
        {
            switch (p[1])
            {
                case 'ʃ' or 'ʒ' or 'ɕ' or 'ʑ' or 'ʂ' or 'ʐ':
                    return "CH";
                case 's' or 'z':
                    return "SS";
            }
        }

        return p[0] switch
        {
            'p' or 'b' or 'm' => "PP",
            'f' or 'v' => "FF",
            'θ' or 'ð' => "TH",
            't' or 'd' or 'ɾ' => "DD",
            'k' or 'g' or 'ɡ' or 'ŋ' or 'x' or 'χ' or 'ɣ' or 'q' => "kk",
            'ʃ' or 'ʒ' or 'ɕ' or 'ʑ' or 'ʂ' or 'ʐ' or 'c' => "CH",
            's' or 'z' => "SS",
            'n' or 'l' or 'ɲ' or 'ɫ' or 'ɬ' => "nn",
            'ɹ' or 'r' or 'ɻ' or 'ɚ' => "RR",
            'w' or 'u' or 'ʊ' or 'ɯ' => "U",
            'j' or 'i' or 'ɪ' or 'y' or 'ʏ' => "I",
            'o' or 'ɔ' or 'ɒ' => "O",
            'a' or 'ɑ' or 'æ' or 'ɐ' or 'ʌ' => "aa",
            'e' or 'ɛ' or 'ə' or 'ɜ' or 'ɤ' or 'h' => "E",
            _ => "sil",
        };
    }

    /// <summary>Drops repeats so the track only holds changes, and closes it with silence at <paramref name="endMs"/>.</summary>
    public static List<VisemeCue> Compact(IEnumerable<VisemeCue> cues, int endMs)
    {
        var result = new List<VisemeCue>();
        foreach (var cue in cues)
        {
            if (result.Count > 0 && result[^1].V == cue.V)
            {
                continue;
            }

            if (result.Count > 0 && result[^1].T == cue.T)
            {
                result[^1] = cue;
                continue;
            }

            result.Add(cue);
        }

        if (result.Count == 0 || result[^1].V != "sil")
        {
            result.Add(new VisemeCue(Math.Max(endMs, result.Count > 0 ? result[^1].T : 0), "sil"));
        }

        return result;
    }
}
