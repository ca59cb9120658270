namespace RoleplayHub.Providers.Ai.Scripted;

/// <summary>A text prepared once for <see cref="TextMatcher"/>: normalised, split into words and joined without
/// spaces, so a transcript or a phrase that is matched many times is normalised once. The words and the unspaced form
/// are made when first read: a reply only ever searched for a line needs neither.</summary>
public sealed class MatchText
{
    private string[]? _words;
    private string[]? _stems;
    private string? _unspaced;

    private MatchText(string normalized, bool unspacedScript)
    {
        Normalized = normalized;
        IsUnspacedScript = unspacedScript;
    }

    public string Normalized { get; }

    // Racing readers may each make them once; both results are equal, and either is kept.
    public string[] Words => _words ??= Normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Each word's stem (<see cref="TextMatcher.Stem"/>), in order: a coaching report compares every word of a
    /// drill with every phrase of its scenario, and stems each pair once here instead of at every comparison.</summary>
    public string[] Stems => _stems ??= Array.ConvertAll(Words, TextMatcher.Stem);

    public string Unspaced => _unspaced ??= string.Concat(Words);

    /// <summary>Written in a script without spaces (Chinese): matched as a substring of the unspaced text.</summary>
    public bool IsUnspacedScript { get; }

    public static MatchText Of(string text) => new(TextMatcher.Normalize(text), TextMatcher.IsUnspacedScript(text));
}
