namespace RoleplayHub.Hubs;

/// <summary>Transport limits of the hub, set on purpose (docs/architecture.md explains each). Bound from <c>Hub</c>.</summary>
public sealed class HubLimitsOptions
{
    public const string Section = "Hub";

    /// <summary>The server pings an idle connection this often (the JS client's default serverTimeout is 30 s).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A client that sends nothing (not even a ping) for this long is disconnected.</summary>
    public TimeSpan ClientTimeoutInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Bytes of unacknowledged messages kept per connection for stateful reconnect: 256 KB ≈ 6 s of
    /// 16 kHz audio in base64 chunks, so a network blip loses nothing.</summary>
    public long StatefulReconnectBufferSize { get; set; } = 256 * 1024;

    /// <summary>Cap on concurrent WebSocket/SSE connections (Kestrel's upgraded connections); null = unlimited.</summary>
    public long? MaxConnections { get; set; } = 10_000;

    /// <summary>Origins of web frontends allowed to call the hub from the browser (CORS with credentials).
    /// Empty = same origin only.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
