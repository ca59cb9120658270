using System.Globalization;

namespace RoleplayHub.Observability;

/// <summary>
/// The CPUs this process may use: as many as its affinity allows, or its cgroup's CPU quota when that is smaller.
/// A quota is taken as it is (1.5 CPUs is 1.5), where <see cref="Environment.ProcessorCount"/> rounds it up. Hand-written
/// because .NET exposes only that rounded count, and the library that reads cgroups
/// (Microsoft.Extensions.Diagnostics.ResourceMonitoring) measures the whole cgroup's CPU, not this process's, through an
/// API it has made obsolete. Read again at each call: a container's quota can change while it runs.
/// </summary>
public static class CpuAllowance
{
    /// <summary>The CPUs this process may use now.</summary>
    public static double Current() => Current(ProcessCgroups());

    /// <summary>The CPUs this process may use, given its <paramref name="cgroups"/> as just read
    /// (<see cref="ProcessCgroups"/>).</summary>
    public static double Current(string[]? cgroups)
    {
        var count = Environment.ProcessorCount;
        var quota = cgroups is null ? null : CgroupQuota(cgroups);
        return quota is { } cpus && cpus < count ? cpus : count;
    }

    /// <summary>The lines of <c>/proc/self/cgroup</c>, the groups this process is in; null off Linux or when they
    /// cannot be read. Read again at each call: a process can be moved while it runs.</summary>
    public static string[]? ProcessCgroups()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return File.ReadAllLines("/proc/self/cgroup");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The CPU quota of this process's cgroup (v2 <c>cpu.max</c>, or v1 <c>cpu.cfs_quota_us</c> over
    /// <c>cpu.cfs_period_us</c>), or null when it has none or it cannot be read.</summary>
    private static double? CgroupQuota(string[] lines)
    {
        try
        {
            if (CgroupPath(lines, v2: true) is { } unified && Read("/sys/fs/cgroup", unified, "cpu.max") is { } max)
            {
                return ParseCpuMax(max);
            }

            return CgroupPath(lines, v2: false) is { } path
                && (Read("/sys/fs/cgroup/cpu", path, "cpu.cfs_quota_us") ?? Read("/sys/fs/cgroup/cpu,cpuacct", path, "cpu.cfs_quota_us")) is { } quota
                && (Read("/sys/fs/cgroup/cpu", path, "cpu.cfs_period_us") ?? Read("/sys/fs/cgroup/cpu,cpuacct", path, "cpu.cfs_period_us")) is { } period
                ? ParseCfs(quota, period)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cgroup path in <c>/proc/self/cgroup</c>: the v2 line (<c>0::/path</c>), or the v1 line whose
    /// controllers include <c>cpu</c>.</summary>
    internal static string? CgroupPath(IEnumerable<string> lines, bool v2)
    {
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && (v2 ? parts[0] == "0" && parts[1].Length == 0 : parts[1].Split(',').Contains("cpu")))
            {
                return parts[2];
            }
        }

        return null;
    }

    /// <summary><c>cpu.max</c>: "max 100000" (no quota) or "150000 100000" (1.5 CPUs).</summary>
    internal static double? ParseCpuMax(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 ? ParseCfs(parts[0], parts[1]) : null;
    }

    /// <summary>A quota and its period in microseconds; "-1" or "max" is none.</summary>
    internal static double? ParseCfs(string quota, string period) =>
        long.TryParse(quota.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q > 0
        && long.TryParse(period.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
            ? (double)q / p
            : null;

    // A container often sees its own cgroup as the mount's root while /proc/self/cgroup names the host's path.
    private static string? Read(string mount, string path, string file)
    {
        foreach (var candidate in new[] { Path.Join(mount, path, file), Path.Join(mount, file) })
        {
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate).Trim();
            }
        }

        return null;
    }
}
