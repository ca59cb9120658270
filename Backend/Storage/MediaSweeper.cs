using Microsoft.Extensions.Options;

namespace RoleplayHub.Storage;

/// <summary>Deletes local media not used for longer than <see cref="MediaOptions.Retention"/>.</summary>
public sealed class MediaSweeper(IMediaStore store, IOptions<MediaOptions> options, TimeProvider time, ILogger<MediaSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not LocalMediaStore local)
        {
            return; // cloud stores use bucket lifecycle rules (docs/providers.md)
        }

        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var removed = Sweep(local.Root, time.GetUtcNow() - options.Value.Retention);
                if (removed > 0)
                {
                    logger.LogInformation("Media sweep removed {Count} files older than {Retention}", removed, options.Value.Retention);
                }
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Media sweep failed; will retry");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal static int Sweep(string root, DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff.UtcDateTime)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }
}
