namespace RoleplayHub.Scenarios;

/// <summary>
/// Dialogue rules for the offline scripted engine. The engine recognises intents in the trainee's words,
/// tracks which objections were raised and resolved, and answers with the lines given here.
/// </summary>
public sealed record ScriptRules
{
    /// <summary>Ordered stages of the drill, e.g. discovery → objections → closing; the engine advances through them.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>Things the trainee may say, each with the persona's possible replies.</summary>
    public IReadOnlyList<ScriptIntent> Intents { get; init; } = [];

    /// <summary>Concerns the persona raises by itself; each is resolved when the trainee says something matching.</summary>
    public IReadOnlyList<ScriptObjection> Objections { get; init; } = [];

    /// <summary>Replies when nothing was recognised.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>What the persona says on the last turn, depending on how the drill went.</summary>
    public ScriptClosings? Closings { get; init; }
}

public sealed record ScriptClosings
{
    /// <summary>Every objection raised was answered.</summary>
    public IReadOnlyList<string> Resolved { get; init; } = [];

    /// <summary>Some objection is still open.</summary>
    public IReadOnlyList<string> Unresolved { get; init; } = [];
}

public sealed record ScriptIntent
{
    public required string Id { get; init; }

    /// <summary>Words or phrases that signal the intent; matching is normalised and tolerant of recognition errors.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    public IReadOnlyList<string> Replies { get; init; } = [];

    /// <summary>Optional stage this intent moves the drill to.</summary>
    public string? Advances { get; init; }

    /// <summary>Optional objection this intent answers.</summary>
    public string? Resolves { get; init; }
}

public sealed record ScriptObjection
{
    public required string Id { get; init; }

    /// <summary>How the persona raises it.</summary>
    public IReadOnlyList<string> Raise { get; init; } = [];

    /// <summary>Words that answer it.</summary>
    public IReadOnlyList<string> ResolvedBy { get; init; } = [];

    /// <summary>How the persona acknowledges a good answer.</summary>
    public IReadOnlyList<string> Acknowledge { get; init; } = [];

    /// <summary>Stage in which the persona raises it (any stage when absent).</summary>
    public string? Stage { get; init; }
}
