using System.Buffers;
using System.Globalization;
using System.Text;

namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>
/// Keyword matching that survives speech-recognition errors: text is lower-cased and stripped of punctuation,
/// words match when equal, when they share a stem ("prices"/"price", "integrated"/"integrate") or when they are one
/// edit apart (two for long words: "discount"/"discounts", "warranty"/"warrantee"). A phrase matches when its words
/// appear in order with at most two other words between them. Text in scripts without spaces (Chinese) matches as
/// a substring of the unspaced transcript.
/// </summary>
public static class TextMatcher
{
    private const int MaxGap = 2;

    public static string[] Tokenize(string text) => Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Lower case, letters and digits only, words separated by one space. One pass and one string: the
    /// coaching report normalises every turn of a drill.</summary>
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        // Never longer than the folded text: a space is written only where at least one separator was dropped.
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, folded.Length));
        try
        {
            var length = 0;
            var gap = false;
            foreach (var c in folded)
            {
                if (char.IsLetterOrDigit(c))
                {
                    if (gap && length > 0)
                    {
                        buffer[length++] = ' ';
                    }

                    gap = false;
                    buffer[length++] = char.ToLowerInvariant(c);
                }
                else if (c != '\'' && c != '’')
                {
                    // "don't" → "dont" (recognisers disagree on apostrophes); anything else separates words
                    gap = true;
                }
            }

            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Match strength of <paramref name="phrase"/> in <paramref name="heard"/>, both prepared once.</summary>
    public static int Score(MatchText heard, MatchText phrase)
    {
        if (phrase.IsUnspacedScript)
        {
            return ScoreUnspaced(heard.Unspaced, phrase.Unspaced); // the phrase's, joined once when it was prepared
        }

        return Score(heard.Words, heard.Stems, phrase.Words, phrase.Stems);
    }

    /// <summary>Match strength of <paramref name="phrase"/> in the tokenised transcript: 0 when absent, else the
    /// number of words matched (longer phrases are stronger evidence).</summary>
    public static int Score(string[] transcript, string unspacedTranscript, string phrase)
    {
        var words = Tokenize(phrase);
        if (IsUnspacedScript(phrase))
        {
            return ScoreUnspaced(unspacedTranscript, string.Concat(words));
        }

        return Score(transcript, null, words, null);
    }

    private static int ScoreUnspaced(string unspacedTranscript, string needle) =>
        needle.Length > 0 && unspacedTranscript.Contains(needle, StringComparison.Ordinal) ? Math.Max(1, needle.Length / 2) : 0;

    // Stems are null when the texts were not prepared: each comparison then stems its two words in place.
    private static int Score(string[] transcript, string[]? transcriptStems, string[] words, string[]? stems)
    {
        if (words.Length == 0)
        {
            return 0;
        }

        for (var start = 0; start < transcript.Length; start++)
        {
            if (!WordsMatch(transcript, transcriptStems, start, words, stems, 0))
            {
                continue;
            }

            var position = start;
            var matched = 1;
            for (var w = 1; w < words.Length; w++)
            {
                var found = -1;
                for (var p = position + 1; p < transcript.Length && p <= position + 1 + MaxGap; p++)
                {
                    if (WordsMatch(transcript, transcriptStems, p, words, stems, w))
                    {
                        found = p;
                        break;
                    }
                }

                if (found < 0)
                {
                    break;
                }

                position = found;
                matched++;
            }

            if (matched == words.Length)
            {
                return matched;
            }
        }

        return 0;
    }

    private static bool WordsMatch(string[] transcript, string[]? transcriptStems, int t, string[] words, string[]? stems, int w)
    {
        var (heard, expected) = (transcript[t], words[w]);
        if (heard == expected)
        {
            return true;
        }

        if (heard.Length >= 4 && expected.Length >= 4 && (transcriptStems is not null && stems is not null
            ? transcriptStems[t] == stems[w]
            : StemOf(heard).SequenceEqual(StemOf(expected))))
        {
            return true;
        }

        var longest = Math.Max(heard.Length, expected.Length);
        var allowed = longest >= 8 ? 2 : longest >= 5 ? 1 : 0;
        return allowed > 0 && Math.Abs(heard.Length - expected.Length) <= allowed && Distance(heard, expected, allowed) <= allowed;
    }

    internal static bool IsUnspacedScript(string text)
    {
        foreach (var c in text)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.OtherLetter && c >= '\u2E80')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The word without its first inflection suffix that leaves at least three letters ("discounts" → "discount",
    /// "integrated" → "integrat"); the word itself when none does.</summary>
    internal static string Stem(string word)
    {
        var suffix = SuffixLength(word);
        return suffix == 0 ? word : word[..^suffix];
    }

    private static ReadOnlySpan<char> StemOf(string word) => word.AsSpan(0, word.Length - SuffixLength(word));

    private static int SuffixLength(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ied", "ies", "ed", "es", "ly", "s"])
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return suffix.Length;
            }
        }

        return 0;
    }

    /// <summary>Levenshtein distance, stopping early once it exceeds <paramref name="limit"/>.</summary>
    private static int Distance(string a, string b, int limit)
    {
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            current.CopyTo(previous);
        }

        return previous[b.Length];
    }
}
