namespace RoleplayHub.Core;

/// <summary>Per-stage milliseconds of the turn so far; a stage that has not run yet is null.</summary>
public sealed record TurnTimings(int? QueueMs, int? SttMs, int? AiMs, int? TtsMs, int? StoreMs, int? TotalMs)
{
    /// <summary>No stage has run yet (partial transcripts): one shared instance.</summary>
    public static TurnTimings None { get; } = new(null, null, null, null, null, null);
}
