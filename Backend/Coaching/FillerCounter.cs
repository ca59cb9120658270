using RoleplayHub.Core;
using RoleplayHub.Providers.Ai.Scripted;

namespace RoleplayHub.Coaching;

/// <summary>
/// Counts filler words: the English list as whole words or word sequences of the normalised transcript ("um",
/// "you know" — never the "um" inside "umbrella"), the Chinese list as non-overlapping substrings of the normalised
/// transcript without spaces. Both lists apply to every session, so a mixed-language turn is counted fully.
/// </summary>
public sealed class FillerCounter(IEnumerable<string> english, IEnumerable<string> chinese)
{
    private readonly string[][] _english = [.. english.Select(TextMatcher.Tokenize).Where(t => t.Length > 0).DistinctBy(t => string.Join(' ', t))];
    private readonly string[] _chinese = [.. chinese.Select(f => MatchText.Of(f).Unspaced).Where(f => f.Length > 0).Distinct()];

    public IReadOnlyList<FillerTally> Count(string text) => Count(MatchText.Of(text));

    /// <summary>The fillers in a text prepared for matching (a drill prepares each of its texts once).</summary>
    public IReadOnlyList<FillerTally> Count(MatchText text)
    {
        List<FillerTally>? tallies = null;
        var words = text.Words;
        foreach (var filler in _english)
        {
            var count = 0;
            for (var i = 0; i + filler.Length <= words.Length; i++)
            {
                if (filler.AsSpan().SequenceEqual(words.AsSpan(i, filler.Length)))
                {
                    count++;
                    i += filler.Length - 1;
                }
            }

            if (count > 0)
            {
                (tallies ??= []).Add(new FillerTally(string.Join(' ', filler), count));
            }
        }

        var unspaced = text.Unspaced;
        foreach (var filler in _chinese)
        {
            var count = 0;
            for (var at = unspaced.IndexOf(filler, StringComparison.Ordinal); at >= 0; at = unspaced.IndexOf(filler, at + filler.Length, StringComparison.Ordinal))
            {
                count++;
            }

            if (count > 0)
            {
                (tallies ??= []).Add(new FillerTally(filler, count));
            }
        }

        return tallies ?? (IReadOnlyList<FillerTally>)[];
    }
}
