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

    /// <summary>
    /// A story told in order, one beat per turn in which nothing was recognised, each beat once — so a trainee who
    /// only listens still hears the story move on. Used before <see cref="StageFallbacks"/> and <see cref="Fallbacks"/>.
    /// </summary>
    public IReadOnlyList<string> Beats { get; init; } = [];

    /// <summary>Replies when nothing was recognised, per stage: a nudge that fits where the drill is.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StageFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Replies when nothing was recognised and neither a beat nor a stage fallback applies.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>
    /// Words that accept the persona's last invitation (<see cref="ScriptIntent.Invite"/>): "yes, please" then
    /// counts as asking for the invited topic. Built-in English and Chinese lists apply when empty.
    /// </summary>
    public IReadOnlyList<string> Affirmatives { get; init; } = [];

    /// <summary>What the persona says on the last turn, depending on how the drill went.</summary>
    public ScriptClosings? Closings { get; init; }
}

public sealed record ScriptClosings
{
    /// <summary>Every objection raised was answered.</summary>
    public IReadOnlyList<string> Resolved { get; init; } = [];

    /// <summary>Some objection is still open.</summary>
    public IReadOnlyList<string> Unresolved { get; init; } = [];

    /// <summary>Closings for the stage the drill ended in (e.g. a detective's case <c>solved</c>); they take
    /// precedence over <see cref="Resolved"/> and <see cref="Unresolved"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByStage { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

public sealed record ScriptIntent
{
    public required string Id { get; init; }

    /// <summary>Words or phrases that signal the intent; matching is normalised and tolerant of recognition errors.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    public IReadOnlyList<string> Replies { get; init; } = [];

    /// <summary>Optional stage this intent moves the drill to.</summary>
    public string? Advances { get; init; }

    /// <summary>
    /// Recognised only in the trainee's first turn (a greeting): later, a word like "hello" is more likely a
    /// recognition error than a second hello, and a persona greeting mid-drill breaks the illusion.
    /// </summary>
    public bool FirstTurnOnly { get; init; }

    /// <summary>Optional objection this intent answers.</summary>
    public string? Resolves { get; init; }

    /// <summary>
    /// Optional objection this topic is about (questions on price, and the price concern). Once that concern is
    /// settled, the persona answers the topic by acknowledging what settled it, not with replies that still complain.
    /// </summary>
    public string? About { get; init; }

    /// <summary>
    /// Optional follow-up lines with which the persona offers this topic when it has not come up yet ("Shall I tell
    /// you about the lantern festival?"), keeping a story-led conversation going.
    /// </summary>
    public IReadOnlyList<string> Invite { get; init; } = [];
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
