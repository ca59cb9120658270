namespace RoleplayHub.Hubs.Contracts;

/// <summary>Payload of <c>playback-progress</c>: how far the client has played the persona's reply — segment
/// <c>segment</c> of turn <c>turn</c>, <c>playedMs</c> into it.</summary>
public sealed record PlaybackProgressRequest : HubRequest
{
    public string? SessionId { get; init; }

    public int? Turn { get; init; }

    public int? Segment { get; init; }

    public int? PlayedMs { get; init; }

    /// <summary>Longest position a report may give (10 minutes).</summary>
    public const int MaxPlayedMs = 600_000;

    /// <summary>The reported position, or null when a field is missing or out of range (turn ≥ 0, segment ≥ 0,
    /// playedMs 0–<see cref="MaxPlayedMs"/>).</summary>
    public (int Turn, int Segment, int PlayedMs)? Position =>
        this is { Turn: >= 0 and var turn, Segment: >= 0 and var segment, PlayedMs: >= 0 and <= MaxPlayedMs and var played } ? (turn, segment, played) : null;
}
