using RoleplayHub.Core;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>Hears, on this node's channel, the admin ends other nodes forward for sessions this node owns, and ends
/// them here (<c>DELETE /api/admin/sessions/{id}</c> through any node).</summary>
public sealed partial class AdminEndListener(ClusterRedis redis, ScaleOutNode node, SessionManager sessions, ILogger<AdminEndListener> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = await redis.SubscriberAsync();
        await subscriber.SubscribeAsync(RedisChannel.Literal(node.EndChannel(node.Id)), (_, message) =>
        {
            var sessionId = (string?)message;
            if (sessionId is not null && sessions.EndHere(sessionId, SessionEndReason.Admin))
            {
                LogEnded(sessionId);
            }
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await (await redis.SubscriberAsync()).UnsubscribeAsync(RedisChannel.Literal(node.EndChannel(node.Id)));

    [LoggerMessage(LogLevel.Information, "Scale-out: session {SessionId} ended by an admin through another node")]
    private partial void LogEnded(string sessionId);
}
