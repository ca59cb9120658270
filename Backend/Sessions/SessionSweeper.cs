using Microsoft.Extensions.Options;

namespace RoleplayHub.Sessions;

/// <summary>Every <see cref="RoleplaySessionOptions.SweepInterval"/>, ends sessions idle for longer than
/// <see cref="RoleplaySessionOptions.IdleTimeout"/>.</summary>
public sealed class SessionSweeper(SessionEnder sessions, IOptions<RoleplaySessionOptions> options, TimeProvider time, ILogger<SessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var ended = sessions.SweepIdle();
            if (ended > 0)
            {
                logger.LogInformation("Ended {Count} idle sessions", ended);
            }
        }
    }
}
