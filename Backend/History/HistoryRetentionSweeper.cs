using Microsoft.Extensions.Options;

namespace RoleplayHub.History;

/// <summary>
/// Erases sessions that ended longer than <see cref="HistoryOptions.Retention"/> ago, with the media only they used,
/// every <see cref="HistoryOptions.RetentionSweepInterval"/> (<see cref="HistoryEraser"/>; each run is audited).
/// Without a retention the history is kept for good, as before. A failed run (the database away) is logged and
/// tried again at the next interval.
/// </summary>
internal sealed class HistoryRetentionSweeper(HistoryEraser eraser, IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryRetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Retention is not { } retention)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await eraser.EraseEndedBeforeAsync((time.GetUtcNow() - retention).UtcDateTime, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "History retention sweep failed; will try again in {Interval}", options.Value.RetentionSweepInterval);
            }
        }
    }
}
