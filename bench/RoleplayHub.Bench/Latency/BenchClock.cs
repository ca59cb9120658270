using System.Diagnostics;

namespace RoleplayHub.Bench.Latency;

/// <summary>Stopwatch timestamps and milliseconds, and waiting until a timestamp.</summary>
internal static class BenchClock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static async Task DelayUntil(long timestamp)
    {
        var wait = Ms(Now, timestamp);
        if (wait > 0.5)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }
    }
}
