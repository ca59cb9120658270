using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Hubs.Transport;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// Creates the (transient) hub for each call from singletons it already holds. SignalR's default activator is a
/// scoped service resolved per invocation, which costs a DI scope dictionary entry and an activator object for every
/// audio chunk; the hub needs nothing scoped.
/// </summary>
public sealed class RoleplayHubActivator(SessionManager sessions, ConnectionGuard guard, RoleplayMetrics metrics, TimeProvider time, ILogger<RoleplayHub> logger)
    : IHubActivator<RoleplayHub>
{
    public RoleplayHub Create() => new(sessions, guard, metrics, time, logger);

    public void Release(RoleplayHub hub) => hub.Dispose();
}
