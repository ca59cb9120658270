namespace RoleplayHub.Core;

// The coaching report of a drill: what the session layer sends in session-ended, what the history stores and serves.
// Plain data so every layer may carry it; it is computed in Coaching/ (docs/coaching.md defines each figure).

/// <summary>
/// How a drill went: the speech analytics, a score per rubric criterion and their weighted overall (0–100), and the
/// change since the same trainee's previous sessions of the scenario. <see cref="Method"/> says how the criteria were
/// scored: <c>rules</c> (offline, from the analytics and the scenario's keywords) or <c>llm</c> (a language model,
/// each score with a quote from the transcript). Texts are in <see cref="Language"/>, the session's language.
/// </summary>
public sealed record CoachingReport
{
    public required string Language { get; init; }

    public required string Method { get; init; }

    /// <summary>Weighted mean of the scored criteria, 0–100; null when no criterion could be scored.</summary>
    public double? Overall { get; init; }

    /// <summary><c>good</c> (75+), <c>fair</c> (50+), <c>poor</c>, or null with <see cref="Overall"/>.</summary>
    public string? Rating { get; init; }

    public required string Summary { get; init; }

    public required DrillAnalytics Analytics { get; init; }

    public required IReadOnlyList<CriterionScore> Criteria { get; init; }

    public ReportTrend? Trend { get; init; }
}

/// <summary>One rubric criterion. <see cref="Score"/> is null when the drill gave nothing to judge it by (no word
/// timings for the pace, no objection raised): it then carries no weight in the overall. <see cref="Evidence"/> is a
/// sentence the trainee really said (turn <see cref="EvidenceTurn"/>); <see cref="Better"/> a line they could have said.
/// <see cref="EvidenceDropped"/>: the model quoted something the transcript does not hold, so the quote was removed.</summary>
public sealed record CriterionScore(
    string Id,
    string Title,
    double Weight,
    double? Score,
    string Rating,
    string Comment,
    string? Evidence = null,
    int? EvidenceTurn = null,
    string? Better = null,
    bool EvidenceDropped = false);

/// <summary>
/// The figures of a drill, from its turns. Speaking time is measured from word timings (first word's start to last
/// word's end per turn) and is 0 for turns the recogniser gave none; <see cref="WordUnit"/> is <c>words</c>, or
/// <c>characters</c> for Chinese, where each CJK character counts as one.
/// </summary>
public sealed record DrillAnalytics(
    int TraineeTurns,
    int TraineeWords,
    string WordUnit,
    long TraineeSpeakingMs,
    long PersonaSpeakingMs,
    double? TalkRatio,
    double? WordsPerMinute,
    int FillerWords,
    double? FillersPer100Words,
    IReadOnlyList<FillerTally> Fillers,
    Monologue? LongestMonologue,
    int Questions,
    int OpenQuestions,
    int ClosedQuestions,
    int? MedianResponseLatencyMs,
    IReadOnlyList<TurnLatency> ResponseLatencies,
    int Interruptions,
    IReadOnlyList<ObjectionCoverage> Objections);

public sealed record FillerTally(string Filler, int Count);

/// <summary>The trainee's longest turn by speaking time.</summary>
public sealed record Monologue(int Turn, long DurationMs, int Words);

/// <summary>How long the trainee took to answer the persona's reply before <see cref="Turn"/>.</summary>
public sealed record TurnLatency(int Turn, int Ms);

/// <summary>An objection of the scenario: whether the persona raised it, and whether (and with which of its answer
/// phrases) the trainee handled it.</summary>
public sealed record ObjectionCoverage(string Id, bool Raised, bool Handled, int? RaisedTurn, int? HandledTurn, string? HandledBy);

/// <summary>The same trainee's earlier reports of this scenario (newest first) and the change since the last one.</summary>
public sealed record ReportTrend(
    int PreviousSessions,
    double? PreviousOverall,
    double? OverallChange,
    IReadOnlyList<CriterionTrend> Criteria,
    IReadOnlyList<TrendPoint> Sessions);

public sealed record CriterionTrend(string Id, double? Previous, double? Change);

public sealed record TrendPoint(Guid SessionId, DateTimeOffset StartedAt, double? Overall);
