using System.Globalization;

namespace RoleplayHub.Bench.Load;

/// <summary>CPU (utime+stime) and RSS of a process from /proc, sampled once a second.</summary>
internal sealed class ProcessSampler(int pid)
{
    private readonly long _ticksPerSecond = 100; // USER_HZ on Linux
    private (DateTime At, long Ticks)? _last;

    public List<(DateTime At, double CpuPercent, long RssBytes)> Samples { get; } = [];

    public long TotalTicks() => ReadTicks();

    public void Sample()
    {
        var now = DateTime.UtcNow;
        var ticks = ReadTicks();
        if (_last is { } last)
        {
            var cpu = (ticks - last.Ticks) * 100.0 / _ticksPerSecond / (now - last.At).TotalSeconds;
            Samples.Add((now, cpu, ReadRss()));
        }

        _last = (now, ticks);
    }

    private long ReadTicks()
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
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
