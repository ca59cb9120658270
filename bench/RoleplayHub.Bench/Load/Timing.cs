using System.Diagnostics;

namespace RoleplayHub.Bench.Load;

/// <summary>The simulated trainees' clock: <see cref="Stopwatch"/> timestamps, and waits scheduled against them.</summary>
internal static class Timing
{
    /// <summary>Completes at <paramref name="timestamp"/>: a trainee's start and pauses (each chunk waits on the
    /// trainee's <see cref="ChunkPacer"/>).</summary>
    public static Task DelayUntil(long timestamp) => WaitFor(timestamp) is { } wait ? Task.Delay(wait) : Task.CompletedTask;

    /// <summary>How long until <paramref name="timestamp"/>; null when it is due (within half a millisecond, below
    /// what a timer can wait).</summary>
    public static TimeSpan? WaitFor(long timestamp) =>
        Ms(Stopwatch.GetTimestamp(), timestamp) is var wait and > 0.5 ? TimeSpan.FromMilliseconds(wait) : null;

    public static long Ticks(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    public static double Ms(long from) => Ms(from, Stopwatch.GetTimestamp());

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
