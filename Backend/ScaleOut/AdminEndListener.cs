using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Sessions;

namespace RoleplayHub.ScaleOut;

/// <summary>Hears, on this node's channel, the admin ends other nodes forward for sessions this node owns, and ends
/// them here (<c>DELETE /api/admin/sessions/{id}</c> through any node).</summary>
public sealed partial class AdminEndListener(
    ClusterRedis redis, ScaleOutNode node, SessionManager sessions, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<AdminEndListener> logger)
    : RedisChannelListener(redis, options, time, logger)
{
    protected override string Channel => node.EndChannel(node.Id);

    protected override void OnMessage(string sessionId)
    {
        if (sessions.EndHere(sessionId, SessionEndReason.Admin))
        {
            LogEnded(sessionId);
        }
    }

    [LoggerMessage(LogLevel.Information, "Scale-out: session {SessionId} ended by an admin through another node")]
    private partial void LogEnded(string sessionId);
}
