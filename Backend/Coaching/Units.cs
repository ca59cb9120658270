using System.Text;

namespace RoleplayHub.Coaching;

/// <summary>
/// Counting what the trainee said in one unit for every language: a run of letters or digits is a word, and each
/// CJK character is one unit of its own — Chinese has no spaces, and characters per minute is how its pace is
/// usually given. Mixed text ("我们的 SLA 是") counts both ways (4 + 1).
/// </summary>
public static class Units
{
    public static int Count(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                count++;
                inWord = false;
            }
            else if (char.IsLetterOrDigit(c) || (inWord && c is '\'' or '’'))
            {
                if (!inWord)
                {
                    count++;
                    inWord = true;
                }
            }
            else
            {
                inWord = false;
            }
        }

        return count;
    }

    /// <summary><c>characters</c> for Chinese sessions, <c>words</c> otherwise.</summary>
    public static string UnitFor(string language) => IsChinese(language) ? "characters" : "words";

    public static bool IsChinese(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    public static bool HasCjk(string text) => text.Any(IsCjk);

    /// <summary>CJK unified ideographs (with extension A and the compatibility block), kana, and Hangul syllables.</summary>
    public static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' or >= '\u3040' and <= '\u30FF' or >= '\uAC00' and <= '\uD7AF';

    /// <summary>The text without whitespace, lower-cased: what Chinese phrases are matched in.</summary>
    public static string Unspaced(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Where(c => !char.IsWhiteSpace(c)))
        {
            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
