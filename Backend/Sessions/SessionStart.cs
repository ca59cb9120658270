using RoleplayHub.Core;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>A session opened or resumed: what the client needs to stream to it (the hub's <c>session-started</c>).
/// Timestamps are Unix epoch milliseconds.</summary>
public sealed record SessionStart(
    string SessionId,
    string ScenarioId,
    string Language,
    int MaxTurns,
    PersonaSummary Persona,
    AudioSettings Audio,
    TurnDetection TurnDetection,
    bool Resumed,
    long ReceivedBytes,
    int TurnCount,
    long Timestamp,
    string Engine = CascadedWorkerPlan.Name)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record PersonaSummary(string Name, string Role, string Description, string Voice);

/// <summary>The session's input format and the limits sized from it.</summary>
public sealed record AudioSettings(string Encoding, int SampleRate, int Channels, int ChunkMs, int MaxChunkBytes, int FlushBytes, int FlushIdleMs);

/// <summary>A session ended (the hub's <c>session-ended</c>): always the last thing a client hears of it, with its
/// coaching report (null when coaching is off).</summary>
public sealed record SessionEnd(string SessionId, string Reason, int TotalTurns, long DurationMs, long Timestamp, CoachingReport? Report = null);
