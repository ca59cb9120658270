using System.Diagnostics;

namespace RoleplayHub.Bench.Load;

/// <summary>The simulated trainees' clock: <see cref="Stopwatch"/> timestamps, and waits scheduled against them.</summary>
internal static class Timing
{
    /// <summary>Completes at <paramref name="timestamp"/>: one timer, and no state machine of its own (the pacing
    /// loops run it four times a second per session).</summary>
    public static Task DelayUntil(long timestamp)
    {
        var wait = Ms(Stopwatch.GetTimestamp(), timestamp);
        return wait > 0.5 ? Task.Delay(TimeSpan.FromMilliseconds(wait)) : Task.CompletedTask;
    }

    public static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    public static double Ms(long from) => Ms(from, Stopwatch.GetTimestamp());

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
