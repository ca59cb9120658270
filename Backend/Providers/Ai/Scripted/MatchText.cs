namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>A text prepared once for <see cref="TextMatcher"/>: normalised, split into words and joined without
/// spaces, so a transcript or a phrase that is matched many times is normalised once.</summary>
public sealed class MatchText
{
    private MatchText(string normalized, bool unspacedScript)
    {
        Normalized = normalized;
        IsUnspacedScript = unspacedScript;
        Words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Unspaced = string.Concat(Words);
    }

    public string Normalized { get; }

    public string[] Words { get; }

    public string Unspaced { get; }

    /// <summary>Written in a script without spaces (Chinese): matched as a substring of the unspaced text.</summary>
    public bool IsUnspacedScript { get; }

    public static MatchText Of(string text) => new(TextMatcher.Normalize(text), TextMatcher.IsUnspacedScript(text));
}
