namespace RoleplayHub.Coaching;

/// <summary>A turn's text cut into sentences at . ! ? ; (and their full-width forms), each kept verbatim (trimmed,
/// with its end mark) so a sentence quoted as evidence is exactly what the transcript holds. A recogniser that
/// writes no punctuation gives one sentence per turn.</summary>
public static class Sentences
{
    private static readonly char[] Ends = ['.', '!', '?', ';', '。', '！', '？', '；', '\n'];

    public static IReadOnlyList<string> Split(string text)
    {
        List<string> sentences = [];
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (Array.IndexOf(Ends, text[i]) >= 0)
            {
                Add(sentences, text.AsSpan(start, i + 1 - start));
                start = i + 1;
            }
        }

        Add(sentences, text.AsSpan(start));
        return sentences;
    }

    private static void Add(List<string> sentences, ReadOnlySpan<char> sentence)
    {
        var trimmed = sentence.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsLetterOrDigit(c))
            {
                sentences.Add(trimmed.ToString());
                return;
            }
        }
    }
}
