using Microsoft.Extensions.Options;
using RoleplayHub.Sessions;

namespace RoleplayHub.ScaleOut;

/// <summary>Hears the kicks other nodes send (<c>POST /api/admin/users/{userId}/kick</c> through any node) and kicks the
/// user here too.</summary>
public sealed partial class KickListener(
    ClusterRedis redis, ScaleOutNode node, UserKicks kicks, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<KickListener> logger)
    : RedisChannelListener(redis, options, time, logger)
{
    protected override string Channel => node.KickChannel;

    // "{node}|{user}": the sending node has kicked the user already.
    protected override void OnMessage(string message)
    {
        var separator = message.IndexOf('|');
        if (separator <= 0 || message[..separator] == node.Id)
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
}
