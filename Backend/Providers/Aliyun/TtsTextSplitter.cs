using System.Text;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Splits text for the REST TTS API, which truncates after 300 characters (every Chinese character, letter,
/// punctuation mark and inner space counts as one): whole sentences are packed into parts under the limit; a longer
/// sentence is cut at a comma, and only a sentence without one is cut mid-text.
/// </summary>
/// <remarks>
/// Not built on the pipeline's <c>SentenceSplitter</c>: that one makes clips for the avatar (trimmed sentences, short
/// ones merged with a space, abbreviations like "Dr." kept whole), while this one only chooses where to cut and keeps
/// the text inside a part as it was (only a part's ends are trimmed; no space is added between Chinese sentences), and
/// it cuts at more marks ("…", ";"), which gives a long reply more places to cut under the limit.
/// </remarks>
public static class TtsTextSplitter
{
    private const string SentenceEnds = "。！？!?；;…\n";
    private const string ClauseEnds = "，,、：:";

    public static IReadOnlyList<string> Split(string text, int maxCharacters)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        foreach (var piece in Sentences(text).SelectMany(s => s.Length <= maxCharacters ? [s] : Cut(s, maxCharacters)))
        {
            if (current.Length + piece.Length > maxCharacters && current.Length > 0)
            {
                Flush();
            }

            current.Append(piece);
        }

        Flush();
        return parts;

        void Flush()
        {
            var part = current.ToString().Trim();
            if (part.Length > 0)
            {
                parts.Add(part);
            }

            current.Clear();
        }
    }

    /// <summary>Sentences with their closing punctuation (and the space after it).</summary>
    private static IEnumerable<string> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var end = SentenceEnds.Contains(text[i], StringComparison.Ordinal)
                || (text[i] == '.' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!end)
            {
                continue;
            }

            while (i + 1 < text.Length && (SentenceEnds.Contains(text[i + 1], StringComparison.Ordinal) || text[i + 1] is '"' or '”' or '’' or '）' or ')'))
            {
                i++; // keep "？！" and closing quotes with their sentence
            }

            while (i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))
            {
                i++;
            }

            yield return text[start..(i + 1)];
            start = i + 1;
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    /// <summary>A sentence over the limit: at the last clause mark that fits, else at the limit (never inside a
    /// surrogate pair).</summary>
    private static IEnumerable<string> Cut(string sentence, int maxCharacters)
    {
        var rest = sentence;
        while (rest.Length > maxCharacters)
        {
            var cut = rest.LastIndexOfAny(ClauseEnds.ToCharArray(), maxCharacters - 1) + 1;
            if (cut <= 0)
            {
                cut = char.IsHighSurrogate(rest[maxCharacters - 1]) ? maxCharacters - 1 : maxCharacters;
            }

            yield return rest[..cut];
            rest = rest[cut..];
        }

        if (rest.Length > 0)
        {
            yield return rest;
        }
    }
}
