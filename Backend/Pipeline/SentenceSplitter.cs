using System.Text;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Splits a whole text into sentences so the avatar can start speaking after the first one (English and Chinese
/// punctuation; very short sentences are merged with the next so each clip is worth a request, and a very short last
/// one with the one before). A reply still being written goes through <see cref="SentenceStream"/> instead.
/// </summary>
public static class SentenceSplitter
{
    public static List<string> Split(string text, int minChars = 24)
    {
        var stream = new SentenceStream(minChars);
        List<string> sentences = [.. stream.Append(text), .. stream.Complete()];
        if (sentences.Count > 1 && sentences[^1].Length < minChars / 2)
        {
            sentences[^2] = sentences[^2] + " " + sentences[^1];
            sentences.RemoveAt(sentences.Count - 1);
        }

        return sentences;
    }

    internal static bool IsAbbreviation(StringBuilder current)
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
