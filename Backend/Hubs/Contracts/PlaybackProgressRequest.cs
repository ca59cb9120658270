namespace RoleplayHub.Hubs.Contracts;

/// <summary>Payload of <c>playback-progress</c>: how far the client has played the persona's reply — segment
/// <c>segment</c> of turn <c>turn</c>, <c>playedMs</c> into it.</summary>
public sealed record PlaybackProgressRequest : HubRequest
{
    public string? SessionId { get; init; }

    public int? Turn { get; init; }

    public int? Segment { get; init; }

    public int? PlayedMs { get; init; }
}
