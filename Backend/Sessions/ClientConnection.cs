namespace RoleplayHub.Sessions;

/// <summary>What the server knows about one SignalR connection: whose it is and how fast it may send.</summary>
public sealed class ClientConnection(string connectionId, string userId, TokenBucket chunkLimiter)
{
    public string ConnectionId { get; } = connectionId;

    public string UserId { get; } = userId;

    /// <summary>Base for absolute media URLs (scheme://host/pathBase of the request that opened the connection).</summary>
    public string? PublicBaseUrl { get; init; }

    public TokenBucket ChunkLimiter { get; } = chunkLimiter;

    /// <summary>Closes the connection from the server's side (an admin's kick); null where the transport has no such
    /// thing (HTTP: its sessions end, and their event streams with them).</summary>
    public Action? Close { get; init; }

    /// <summary>Cancelled once the connection's transport has sent its last frame and closed; never cancelled where
    /// the transport does not say (HTTP).</summary>
    public CancellationToken Closed { get; init; }

    public bool IsClosed { get; set; }

    /// <summary>A session was started or resumed on this connection at some point.</summary>
    public bool HasHadSession { get; private set; }

    private readonly HashSet<RoleplaySession> _sessions = [];

    /// <summary>Sessions currently attached to this connection.</summary>
    public RoleplaySession[] Sessions
    {
        get
        {
            lock (_sessions)
            {
                return [.. _sessions];
            }
        }
    }

    internal void Add(RoleplaySession session)
    {
        lock (_sessions)
        {
            _sessions.Add(session);
            HasHadSession = true;
        }
    }

    internal void Remove(RoleplaySession session)
    {
        lock (_sessions)
        {
            _sessions.Remove(session);
        }
    }
}
