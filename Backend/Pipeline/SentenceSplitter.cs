using System.Text;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Splits a reply into sentences so the avatar can start speaking after the first one (English and Chinese
/// punctuation; very short sentences are merged with the next so each clip is worth a request).
/// </summary>
public static class SentenceSplitter
{
    public static List<string> Split(string text, int minChars = 24)
    {
        var sentences = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            current.Append(c);
            var ends = c is '。' or '！' or '？' or '；' or '\n'
                || (c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || text[i + 1] is '"' or '\'' or ')'));
            if (ends && !IsAbbreviation(current))
            {
                Flush(sentences, current, minChars);
            }
        }

        Flush(sentences, current, 0);
        if (sentences.Count > 1 && sentences[^1].Length < minChars / 2)
        {
            sentences[^2] = sentences[^2] + " " + sentences[^1];
            sentences.RemoveAt(sentences.Count - 1);
        }

        return sentences;
    }

    private static void Flush(List<string> sentences, StringBuilder current, int minChars)
    {
        var sentence = current.ToString().Trim();
        if (sentence.Length == 0 || sentence.Length < minChars)
        {
            return; // keep accumulating: too short to be a clip of its own
        }

        sentences.Add(sentence);
        current.Clear();
    }

    private static bool IsAbbreviation(StringBuilder current)
    {
        var s = current.ToString().TrimEnd();
        foreach (var abbreviation in (ReadOnlySpan<string>)["Mr.", "Mrs.", "Ms.", "Dr.", "St.", "e.g.", "i.e.", "etc.", "vs."])
        {
            if (s.EndsWith(abbreviation, StringComparison.OrdinalIgnoreCase) && (s.Length == abbreviation.Length || s[^(abbreviation.Length + 1)] == ' '))
            {
                return true;
            }
        }

        return false;
    }
}
