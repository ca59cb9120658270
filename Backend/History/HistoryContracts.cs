using RoleplayHub.Core;

namespace RoleplayHub.History;

// Responses of the history API (camelCase JSON). Timestamps are ISO 8601 in UTC; durations are milliseconds, as on
// the hub. Media are fresh signed URLs (they expire after Media:UrlLifetime; read the session again for new ones).

/// <summary>A page of sessions, newest first. <c>nextCursor</c> is null on the last page; pass it back as
/// <c>cursor</c> for the next one.</summary>
public sealed record SessionPage(IReadOnlyList<SessionSummary> Items, string? NextCursor);

/// <summary>A session. <c>id</c> is the history's id (stable, never reused); <c>sessionId</c> the hub's.</summary>
public sealed record SessionSummary(
    Guid Id,
    string SessionId,
    string UserId,
    string ScenarioId,
    string Persona,
    string Language,
    string AudioFormat,
    int? SampleRate,
    int? Channels,
    string? ModelProfile,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    long? DurationMs,
    int TotalTurns,
    int RecordedTurns);

/// <summary>A session with every recorded turn, in order (turn 0 is the persona's opening line), and its coaching
/// report once it has ended with one.</summary>
public sealed record SessionDetail(SessionSummary Session, IReadOnlyList<TurnDetail> Turns, CoachingReport? Report = null);

public sealed record TurnDetail(
    int Turn,
    string UserText,
    IReadOnlyList<WordTiming> Words,
    string? UserAudioUrl,
    string? AiText,
    IReadOnlyList<AvatarSegmentDetail> AvatarSegments,
    TurnTimings Timings,
    IReadOnlyList<string> Errors,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    bool Interrupted = false,
    int? PlayedMs = null);

/// <summary>One spoken sentence of a reply, as the <c>avatar-response</c> event had it.</summary>
public sealed record AvatarSegmentDetail(int Segment, string Text, string AudioUrl, string? VideoUrl, int Duration, string MimeType);

/// <summary>Aggregates over the sessions started in [from, to).</summary>
public sealed record HistoryStats(
    DateTimeOffset From,
    DateTimeOffset To,
    int Sessions,
    int ActiveSessions,
    int EndedSessions,
    IReadOnlyDictionary<string, int> EndReasons,
    IReadOnlyList<DailySessions> SessionsPerDay,
    double? AverageTurns,
    int Turns,
    int TurnsWithErrors,
    double? TurnErrorRate,
    double? SessionErrorRate,
    StageLatencies AverageLatencyMs);

/// <summary>Sessions started on one UTC day.</summary>
public sealed record DailySessions(DateOnly Date, int Sessions);

/// <summary>Average milliseconds per pipeline stage over the user turns (the opening line excluded); null when no
/// turn ran the stage.</summary>
public sealed record StageLatencies(double? Queue, double? Stt, double? Ai, double? Tts, double? Store, double? Total);

/// <summary>Coaching scores over time, oldest first: one point per ended session with a report in [from, to).
/// <c>truncated</c>: there were more than the points listed (narrow the range or filter).</summary>
public sealed record ScoreSeries(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ScorePoint> Points, bool Truncated);

/// <summary>One session's overall score and its score per criterion (by criterion id).</summary>
public sealed record ScorePoint(Guid SessionId, string UserId, string ScenarioId, DateTimeOffset StartedAt, double? Overall, string Method,
    IReadOnlyDictionary<string, double?> Criteria);
