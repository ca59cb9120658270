using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>
/// Renews the leases of the sessions this node runs every <c>ScaleOut:LeaseRenewInterval</c>. A session whose lease
/// another node took (this node was cut off from Redis for longer than the lease) ends here with <c>error</c>:
/// two nodes must never run one session.
/// </summary>
public sealed partial class LeaseRenewer(
    RedisSessionOwnership ownership, SessionManager sessions, IOptions<ScaleOutOptions> options, TimeProvider time, ILogger<LeaseRenewer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var running = sessions.RunningSessionIds.ToList();
            if (running.Count == 0)
            {
                continue;
            }

            try
            {
                foreach (var lost in await ownership.RenewAsync(running))
                {
                    LogLost(lost);
                    sessions.EndHere(lost, SessionEndReason.Error);
                }

                // A session that ended while its renewal was under way gave its lease back before the renewal took it
                // again: give it back once more, so the id is free at once rather than after the TTL.
                foreach (var ended in running.Except(sessions.RunningSessionIds))
                {
                    ownership.Release(ended);
                }
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                LogRenewFailed(ex, running.Count); // tried again next tick; the leases hold for LeaseTtl
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Scale-out: session {SessionId} was taken by another node while this one was cut off from Redis; ended here")]
    private partial void LogLost(string sessionId);

    [LoggerMessage(LogLevel.Warning, "Scale-out: renewing {Count} session leases failed")]
    private partial void LogRenewFailed(Exception ex, int count);
}
