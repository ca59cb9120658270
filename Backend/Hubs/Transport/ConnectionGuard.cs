using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs.Transport;

/// <summary>
/// Rules for an open connection that no single call can enforce: a user an admin kicked is refused for a while
/// (<see cref="KickedUsers"/>), a user's connections are capped (those that skipped negotiation are counted here), and a connection that starts no session within <c>Hub:SessionStartTimeout</c> is told
/// why and closed, so handshakes that then stay silent cannot fill the node.
/// </summary>
public sealed partial class ConnectionGuard(ConnectionOwners owners, KickedUsers kicked, IOptions<HubLimitsOptions> limits, TimeProvider time, ILogger<ConnectionGuard> logger)
{
    /// <summary>Registers the connection; an error when it is one too many for its user (the caller then closes it).</summary>
    public ClientError? Opened(HubCallerContext context, IRoleplayClient caller, ClientConnection connection)
    {
        owners.Opened(context.ConnectionId, connection.UserId);
        if (kicked.Refusal(connection.UserId) is { } refused)
        {
            return refused;
        }

        var cap = limits.Value.MaxConnectionsPerUser;
        if (owners.CountFor(connection.UserId) > cap)
        {
            return new ClientError(ErrorCodes.ConnectionLimit, $"You have {cap} connections open (Hub:MaxConnectionsPerUser); close one first.", true);
        }

        var timer = time.CreateTimer(_ => CloseIfIdle(context, caller, connection), null, limits.Value.SessionStartTimeout, Timeout.InfiniteTimeSpan);
        context.Items[typeof(ConnectionGuard)] = timer;
        return null;
    }

    public void Closed(HubCallerContext context)
    {
        owners.Closed(context.ConnectionId);
        if (context.Items.TryGetValue(typeof(ConnectionGuard), out var timer))
        {
            ((ITimer)timer!).Dispose();
        }
    }

    private void CloseIfIdle(HubCallerContext context, IRoleplayClient caller, ClientConnection connection)
    {
        if (connection.HasHadSession || connection.IsClosed)
        {
            return;
        }

        var timeout = limits.Value.SessionStartTimeout;
        LogIdleConnection(connection.ConnectionId, connection.UserId, timeout.TotalSeconds);
        var error = new ErrorEvent(null, ErrorCodes.ConnectionIdle,
            $"No session was started within {timeout.TotalSeconds:0} s of connecting (Hub:SessionStartTimeout); the connection is closed.", false,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        _ = caller.Error(error).ContinueWith(_ => context.Abort(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {ConnectionId} of {User}: no session within {Seconds} s")]
    private partial void LogIdleConnection(string connectionId, string user, double seconds);
}
