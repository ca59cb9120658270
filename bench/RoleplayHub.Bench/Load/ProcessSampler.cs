using System.Globalization;

namespace RoleplayHub.Bench.Load;

/// <summary>CPU (utime+stime) and RSS of a process from /proc, sampled once a second.</summary>
internal sealed class ProcessSampler(int pid)
{
    /// <summary>Milliseconds per /proc clock tick (USER_HZ = 100 on Linux).</summary>
    public const double MsPerTick = 10.0;

    private (DateTime At, long Ticks)? _last;

    public List<(DateTime At, double CpuPercent, long RssBytes)> Samples { get; } = [];

    public long TotalTicks() => ReadTicks();

    public void Sample()
    {
        var now = DateTime.UtcNow;
        var ticks = ReadTicks();
        if (_last is { } last)
        {
            var cpu = (ticks - last.Ticks) * MsPerTick / (now - last.At).TotalMilliseconds * 100; // % of one core
            Samples.Add((now, cpu, ReadRss()));
        }

        _last = (now, ticks);
    }

    private long ReadTicks() => StatTicks(pid, 11);

    /// <summary>CPU ms of this process's finished children (cutime+cstime: the ffmpeg processes it ran).</summary>
    public static double ChildCpuMs() => StatTicks(Environment.ProcessId, 13) * MsPerTick;

    // Fields after the command name: utime, stime at 11, 12; cutime, cstime at 13, 14.
    private static long StatTicks(int pid, int first)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[first], CultureInfo.InvariantCulture) + long.Parse(fields[first + 1], CultureInfo.InvariantCulture);
    }

    public long Rss() => ReadRss();

    private long ReadRss()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
