using System.Diagnostics;

namespace RoleplayHub.Bench.Load;

/// <summary>The simulated trainees' clock: <see cref="Stopwatch"/> timestamps, and waits scheduled against them.</summary>
internal static class Timing
{
    public static async Task DelayUntil(long timestamp)
    {
        var wait = Ms(Stopwatch.GetTimestamp(), timestamp);
        if (wait > 0.5)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }
    }

    public static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    public static double Ms(long from) => Ms(from, Stopwatch.GetTimestamp());

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
