using Microsoft.AspNetCore.Http.Connections;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>The hub protocol a test client speaks.</summary>
public enum WireProtocol
{
    Json,
    MessagePack,
}

/// <summary>How a <see cref="RoleplayHubClient"/> connects: the transport, the protocol, and whether a WebSocket
/// connection skips negotiate (so its own upgrade request is the first the server sees, token and all).</summary>
public sealed record HubClientOptions(
    HttpTransportType Transport = HttpTransportType.WebSockets,
    WireProtocol Protocol = WireProtocol.Json,
    bool SkipNegotiation = false)
{
    public static HubClientOptions Default { get; } = new();
}
