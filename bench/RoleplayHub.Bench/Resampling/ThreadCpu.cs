using System.Runtime.InteropServices;

namespace RoleplayHub.Bench.Resampling;

/// <summary>
/// CPU time of the calling thread (<c>CLOCK_THREAD_CPUTIME_ID</c>, nanosecond resolution): unlike wall time it does not
/// count the time another process holds the core, so a comparison survives a busy two-core machine.
/// </summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed; the resample benchmark needs Linux.");
        }

        return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out Timespec time);
}
