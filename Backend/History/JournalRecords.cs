using RoleplayHub.Core;

namespace RoleplayHub.History;

// The records the pipeline and the session manager hand to ISessionJournal.

/// <summary>A session began. <paramref name="HistoryKey"/> identifies this session instance in the history for good
/// (a client may reuse its <paramref name="SessionId"/> once the session has ended). <paramref name="ResumeSettings"/>:
/// what another node needs to restore it, opaque to the history.</summary>
public sealed record SessionStartRecord(
    Guid HistoryKey,
    string SessionId,
    string UserId,
    string ScenarioId,
    string PersonaName,
    string Language,
    string AudioFormat,
    string? ModelProfile,
    DateTimeOffset StartedAt,
    int? SampleRate = null,
    int? Channels = null,
    string? ResumeSettings = null);

/// <summary>A session ended; <paramref name="Report"/> is its coaching report, stored with it.</summary>
public sealed record SessionEndRecord(Guid HistoryKey, string SessionId, string Reason, int TotalTurns, DateTimeOffset EndedAt, CoachingReport? Report = null);

/// <summary>A finished turn (or one that failed part-way: what the user said is recorded either way).</summary>
public sealed record TurnRecord
{
    public required Guid HistoryKey { get; init; }

    public required string SessionId { get; init; }

    public required int Turn { get; init; }

    public required string UserText { get; init; }

    public IReadOnlyList<WordTiming> Words { get; init; } = [];

    public string? AiText { get; init; }

    public string? UserAudioKey { get; init; }

    public IReadOnlyList<AvatarSegmentRecord> AvatarSegments { get; init; } = [];

    public int? QueueMs { get; init; }

    public int? SttMs { get; init; }

    public int? AiMs { get; init; }

    public int? TtsMs { get; init; }

    public int? StoreMs { get; init; }

    public int? TotalMs { get; init; }

    /// <summary>The trainee cut in: <see cref="AiText"/> is what they heard, <see cref="PlayedMs"/> of its audio.</summary>
    public bool Interrupted { get; init; }

    public int? PlayedMs { get; init; }

    /// <summary>End of the user's speech → final transcript; → first reply token; → first audio sent.</summary>
    public int? TranscriptMs { get; init; }

    public int? FirstTokenMs { get; init; }

    public int? FirstAudioMs { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>This turn was journalled before (it failed and was retried): the record replaces the earlier one.</summary>
    public bool Revision { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}

public sealed record AvatarSegmentRecord(int Segment, string Text, string AudioKey, string? VideoUrl, int DurationMs, string MimeType);
