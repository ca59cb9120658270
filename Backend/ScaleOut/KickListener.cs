using Microsoft.Extensions.Options;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>Hears the kicks other nodes send (<c>POST /api/admin/users/{userId}/kick</c> through any node) and kicks the
/// user here too. Subscribes in the background, retrying while Redis is away, like <see cref="AdminEndListener"/>.</summary>
public sealed partial class KickListener(
    ClusterRedis redis, ScaleOutNode node, UserKicks kicks, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<KickListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = RedisChannel.Literal(node.KickChannel);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await (await redis.SubscriberAsync()).SubscribeAsync(channel, (_, message) => Kick((string?)message));
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                LogSubscribeFailed(ex);
                await Task.Delay(options.Value.LeaseRenewInterval, time, stoppingToken);
            }
        }
    }

    // "{node}|{user}": the sending node has kicked the user already.
    private void Kick(string? message)
    {
        var separator = message?.IndexOf('|') ?? -1;
        if (separator <= 0 || message![..separator] == node.Id)
        {
            return;
        }

        var userId = message[(separator + 1)..];
        LogHeard(userId);
        _ = kicks.KickHereAsync(userId).ContinueWith(t => LogKickFailed(t.Exception!, userId), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    [LoggerMessage(LogLevel.Information, "Scale-out: {User} kicked by an admin through another node")]
    private partial void LogHeard(string user);

    [LoggerMessage(LogLevel.Error, "Scale-out: kicking {User} here failed")]
    private partial void LogKickFailed(Exception ex, string user);

    [LoggerMessage(LogLevel.Warning, "Scale-out: cannot subscribe to kicks yet; retrying")]
    private partial void LogSubscribeFailed(Exception ex);
}
