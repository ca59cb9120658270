using Microsoft.Extensions.Options;

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

    /// <summary>Connections one user may have negotiated or open at once; more are refused (429 at negotiation).</summary>
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>A connection that has not started (or resumed) a session this long after opening is closed, so idle
    /// handshakes cannot fill <see cref="MaxConnections"/>.</summary>
    public TimeSpan SessionStartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Origins of web frontends allowed to call the hub from the browser (CORS with credentials).
    /// Empty = same origin only.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

public sealed class ValidateHubLimitsOptions : IValidateOptions<HubLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, HubLimitsOptions o)
    {
        var errors = new List<string>();
        if (o.KeepAliveInterval <= TimeSpan.Zero || o.ClientTimeoutInterval <= o.KeepAliveInterval)
        {
            errors.Add("Hub:KeepAliveInterval must be positive and Hub:ClientTimeoutInterval longer than it.");
        }

        if (o.HandshakeTimeout <= TimeSpan.Zero || o.SessionStartTimeout <= TimeSpan.Zero)
        {
            errors.Add("Hub:HandshakeTimeout and Hub:SessionStartTimeout must be positive.");
        }

        if (o.StatefulReconnectBufferSize < 0 || o.MaxConnections is < 1 || o.MaxConnectionsPerUser < 1)
        {
            errors.Add("Hub:StatefulReconnectBufferSize must not be negative; Hub:MaxConnections and Hub:MaxConnectionsPerUser must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
