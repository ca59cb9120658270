using RoleplayHub.Core;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// Delivers what sessions say to a connection. The session layer owns this port; the hub implements it and maps
/// each message to the wire. A send to a connection that has just gone away completes quietly.
/// </summary>
public interface ISessionClients
{
    Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt);

    /// <summary>A transient event (seq 0): not kept for replay.</summary>
    Task SendPartialAsync(string connectionId, string sessionId, TurnEvent partial, long timestamp);

    /// <summary>A notice for one connection only, not one of the session's numbered events.</summary>
    Task SendNoticeAsync(string connectionId, string? sessionId, ClientError error, long timestamp);

    Task SendStartedAsync(string connectionId, SessionStart started);

    Task SendEndedAsync(string connectionId, SessionEnd ended);
}
