namespace RoleplayHub.Database.Entities;

/// <summary>
/// One training session: written when it starts (status <see cref="SessionStatus.Active"/>) and completed when it ends,
/// so a session interrupted by a crash is still there, with every turn that finished before it.
/// </summary>
public sealed class HistorySession
{
    /// <summary>Database key: also the tie-breaker of the (StartedAt, Id) keyset order the API pages by.</summary>
    public long Id { get; set; }

    /// <summary>The history's own id for the session, assigned when it starts (before the row exists) so turns can
    /// refer to it; the public id of the history API. Unlike <see cref="SessionId"/> it is never reused.</summary>
    public Guid Key { get; set; }

    /// <summary>The hub's <c>sessionId</c> (client-chosen or generated): unique among open sessions only.</summary>
    public required string SessionId { get; set; }

    /// <summary>The JWT <c>sub</c> of the trainee.</summary>
    public required string UserId { get; set; }

    public required string ScenarioId { get; set; }

    public required string PersonaName { get; set; }

    public required string Language { get; set; }

    /// <summary>The wire encoding: <c>pcm16</c>, <c>wav</c>, <c>webm-opus</c>, <c>ogg-opus</c>.</summary>
    public required string AudioFormat { get; set; }

    public int? SampleRate { get; set; }

    public int? Channels { get; set; }

    public string? ModelProfile { get; set; }

    public SessionStatus Status { get; set; }

    /// <summary>UTC, like every timestamp in the history.</summary>
    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>The <c>session-ended</c> reason: client, max-turns, idle-timeout, disconnected, shutdown, error.</summary>
    public string? EndReason { get; set; }

    /// <summary>The persona's replies (the opening line not counted), as in <c>session-ended.totalTurns</c>.</summary>
    public int TotalTurns { get; set; }

    /// <summary>The service instance that ran the session: start-up recovery only closes its own node's sessions, so
    /// nodes sharing a PostgreSQL database never end each other's live sessions.</summary>
    public required string Node { get; set; }

    /// <summary>The coaching report sent in <c>session-ended</c>, as JSON (camelCase); null for sessions that ended
    /// without one (coaching off, a crash, or before reports existed).</summary>
    public string? Report { get; set; }

    /// <summary>The same report's overall score and criterion scores alone, as JSON (<c>{"overall", "criteria": [{"id",
    /// "score"}]}</c>): what a later report's trend reads, without the whole report. Null where <see cref="Report"/> is,
    /// and for reports stored before it was kept (migration <c>ReportScores</c>), whose trend reads the report.</summary>
    public string? ReportScores { get; set; }

    /// <summary>What another node needs to restore the session if this one is lost: the start's choices (engine,
    /// turn detection, audio declaration) as JSON the session layer owns. Null for sessions recorded before it was kept
    /// (migration <c>SessionResumeSettings</c>); those cannot be restored.</summary>
    public string? ResumeSettings { get; set; }

    public List<HistoryTurn> Turns { get; set; } = [];
}
