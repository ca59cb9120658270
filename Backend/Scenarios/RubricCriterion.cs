namespace RoleplayHub.Scenarios;

/// <summary>
/// One criterion of a scenario's coaching rubric: what is judged (<see cref="Measure"/>), how much it counts
/// (<see cref="Weight"/>), and for the <c>keywords</c> measure the phrases the trainee is expected to say. A variant
/// without a rubric is scored by the default one (docs/coaching.md).
/// </summary>
public sealed record RubricCriterion
{
    /// <summary>The measures the offline rules can score.</summary>
    public static readonly IReadOnlyList<string> Measures =
        ["talk-ratio", "pace", "fillers", "questions", "monologue", "response-latency", "objections", "keywords"];

    public required string Id { get; init; }

    public required string Title { get; init; }

    public double Weight { get; init; } = 1;

    public required string Measure { get; init; }

    /// <summary>What a good trainee does here, for the LLM and the report.</summary>
    public string Description { get; init; } = "";

    /// <summary>For <c>keywords</c>: phrases the trainee should say (matched like the script's keywords).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
}
