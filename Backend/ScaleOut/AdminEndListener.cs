using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>Hears, on this node's channel, the admin ends other nodes forward for sessions this node owns, and ends
/// them here (<c>DELETE /api/admin/sessions/{id}</c> through any node). Subscribes in the background, retrying while
/// Redis is away, so a node starts without it; once subscribed, the client restores the subscription on reconnects.</summary>
public sealed partial class AdminEndListener(
    ClusterRedis redis, ScaleOutNode node, SessionManager sessions, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<AdminEndListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = RedisChannel.Literal(node.EndChannel(node.Id));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await (await redis.SubscriberAsync()).SubscribeAsync(channel, (_, message) => End((string?)message));
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                LogSubscribeFailed(ex);
                await Task.Delay(options.Value.LeaseRenewInterval, time, stoppingToken);
            }
        }
    }

    private void End(string? sessionId)
    {
        if (sessionId is not null && sessions.EndHere(sessionId, SessionEndReason.Admin))
        {
            LogEnded(sessionId);
        }
    }

    [LoggerMessage(LogLevel.Information, "Scale-out: session {SessionId} ended by an admin through another node")]
    private partial void LogEnded(string sessionId);

    [LoggerMessage(LogLevel.Warning, "Scale-out: cannot subscribe to this node's end requests yet; retrying")]
    private partial void LogSubscribeFailed(Exception ex);
}
