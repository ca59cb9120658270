namespace RoleplayHub.Database.Entities;

/// <summary>
/// One turn as it completed: what the user said (final transcript, word timings, the recording), the persona's reply
/// and its spoken segments, the time each pipeline stage took, and the errors raised on the way. Turn 0 is the
/// persona's opening line (no user part). Media are stored as keys and re-signed whenever they are read.
/// </summary>
public sealed class HistoryTurn
{
    public long Id { get; set; }

    /// <summary>The session's <see cref="HistorySession.Key"/>.</summary>
    public Guid SessionKey { get; set; }

    public HistorySession? Session { get; set; }

    /// <summary>The hub's <c>turn</c> number: 0 for the opening line, then 1, 2, … per user utterance.</summary>
    public int Index { get; set; }

    /// <summary>The final transcript ("" for turn 0).</summary>
    public string UserText { get; set; } = "";

    /// <summary>The transcript's words with their timings, where the recogniser gives them.</summary>
    public List<TurnWord> Words { get; set; } = [];

    /// <summary>The persona's reply; null when the AI failed (the user's part is kept regardless).</summary>
    public string? AiText { get; set; }

    /// <summary>Media key of the user's recording of this turn (WAV).</summary>
    public string? UserAudioKey { get; set; }

    /// <summary>The reply as spoken, one segment per sentence.</summary>
    public List<TurnAvatarSegment> AvatarSegments { get; set; } = [];

    public int? QueueMs { get; set; }

    public int? SttMs { get; set; }

    public int? AiMs { get; set; }

    public int? TtsMs { get; set; }

    public int? StoreMs { get; set; }

    public int? TotalMs { get; set; }

    /// <summary>The trainee cut in on the reply: <see cref="AiText"/> is only what they heard.</summary>
    public bool Interrupted { get; set; }

    /// <summary>Of an interrupted reply, the milliseconds of its audio that were played.</summary>
    public int? PlayedMs { get; set; }

    /// <summary>End of the user's speech → the final transcript on the wire.</summary>
    public int? TranscriptMs { get; set; }

    /// <summary>End of the user's speech → the model's first text.</summary>
    public int? FirstTokenMs { get; set; }

    /// <summary>End of the user's speech → the first avatar-response on the wire.</summary>
    public int? FirstAudioMs { get; set; }

    /// <summary><c>code: message</c> of every error event raised during the turn.</summary>
    public List<string> Errors { get; set; } = [];

    /// <summary><see cref="Errors"/>.Count, as a column: statistics count failing turns without JSON functions (the
    /// SQLite bundled here, 3.35, is older than what EF needs to query into JSON collections).</summary>
    public int ErrorCount { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime CompletedAt { get; set; }
}
