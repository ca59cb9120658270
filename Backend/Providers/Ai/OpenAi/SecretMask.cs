using System.Text.RegularExpressions;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// Replaces a secret (an API key a server echoed back) by <c>***</c> where it stands as a whole token — not preceded or
/// followed by a letter, digit, <c>-</c> or <c>_</c>, the characters keys are made of — so ordinary words that happen
/// to contain a short key ("x" in "exploded") are left intact while the key itself, quoted or after a colon, is not.
/// </summary>
internal static class SecretMask
{
    public const string Mask = "***";

    public static string Apply(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || !text.Contains(secret, StringComparison.Ordinal))
        {
            return text;
        }

        var whole = new Regex($@"(?<![\p{{L}}\p{{N}}_-]){Regex.Escape(secret)}(?![\p{{L}}\p{{N}}_-])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return whole.Replace(text, Mask);
    }
}
