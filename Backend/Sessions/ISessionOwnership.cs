using RoleplayHub.Core;

namespace RoleplayHub.Sessions;

/// <summary>
/// Which node runs a session, when several share the load (docs/deployment.md). The session layer owns this port:
/// a node claims a session before running it, gives it up when the session ends, and asks the owner to end a session
/// it does not hold. One node alone (<see cref="SingleNodeOwnership"/>) owns everything; <c>ScaleOut/</c> implements
/// it with leases in Redis.
/// </summary>
public interface ISessionOwnership
{
    /// <summary>Claims <paramref name="sessionId"/> for this node (or renews this node's claim): null when granted,
    /// else the error for the client (<c>session-on-another-node</c> while another live node holds it).</summary>
    Task<ClientError?> ClaimAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>This node no longer runs <paramref name="sessionId"/>; returns at once.</summary>
    void Release(string sessionId);

    /// <summary>Asks the node that owns <paramref name="sessionId"/> to end it as an admin would.</summary>
    Task<EndForwarding> RequestEndElsewhereAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Tells every other node to kick <paramref name="userId"/> (<see cref="UserKicks"/>): <see cref="EndForwarding.Sent"/>
    /// when some node heard it, <see cref="EndForwarding.NotOwned"/> when there is no other node.</summary>
    Task<EndForwarding> KickElsewhereAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Whether other nodes may have run sessions this node can be asked to resume: a claim granted for a session
    /// the history shows open on another node means that node is gone, and this one restores it.</summary>
    bool RestoresLostSessions { get; }
}

/// <summary>What became of an end sent to another node: sent to the live owner, no live node owns the session, or the
/// nodes cannot be reached (Redis is away).</summary>
public enum EndForwarding
{
    Sent,
    NotOwned,
    Unavailable,
}

/// <summary>A node alone: every session is its own, and there is nowhere else to send an end.</summary>
public sealed class SingleNodeOwnership : ISessionOwnership
{
    public Task<EndForwarding> KickElsewhereAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(EndForwarding.NotOwned);

    public Task<ClientError?> ClaimAsync(string sessionId, CancellationToken cancellationToken) => Task.FromResult<ClientError?>(null);

    public void Release(string sessionId)
    {
    }

    public Task<EndForwarding> RequestEndElsewhereAsync(string sessionId, CancellationToken cancellationToken) => Task.FromResult(EndForwarding.NotOwned);

    // Alone, an open session of another node is one whose node stopped sharing this history; there is no lease to say
    // it is gone, so a resume of it is answered from the history as before.
    public bool RestoresLostSessions => false;
}
