namespace RoleplayHub.Hubs.Contracts;

/// <summary>Payload of <c>commit-audio</c>, <c>retry-turn</c> and <c>end-session</c>.</summary>
public sealed record SessionRequest : HubRequest
{
    public string? SessionId { get; init; }
}
