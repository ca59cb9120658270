using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// Creates the (transient) hub for each call from singletons it already holds. SignalR's default activator is a
/// scoped service resolved per invocation, which costs a DI scope dictionary entry and an activator object for every
/// audio chunk; the hub needs nothing scoped.
/// </summary>
public sealed class RoleplayHubActivator(SessionManager sessions, RoleplayMetrics metrics, TimeProvider time, ILogger<RoleplayHub> logger)
    : IHubActivator<RoleplayHub>
{
    public RoleplayHub Create() => new(sessions, metrics, time, logger);

    public void Release(RoleplayHub hub) => hub.Dispose();
}
