using System.Globalization;

namespace RoleplayHub.Observability;

/// <summary>
/// How long this node has had work and no CPU to run it on: the kernel's pressure stall information (PSI) for the
/// process's own cgroup-v2 group, the "full" line's <c>total</c> of its <c>cpu.pressure</c>, microseconds in which
/// some of the group's threads were ready to run and none of them ran. A node's own threads queueing behind each other
/// do not count (one of them runs); other work on its cores does: a neighbour on the same host, a process beside it,
/// which a node's own CPU use cannot show (it stays under its limit while the node waits). A container, a systemd
/// service and a Kubernetes pod each have a group of their own. Null where there is none: not Linux, PSI turned off
/// (<c>psi=0</c>), no cgroup-v2 hierarchy (a cgroup-v1-only host). In the root group (the machine's) the kernel keeps
/// no "full" figure for CPUs and it stays 0. Hand-written: no served library reads PSI. The cgroup-v2 mount is found
/// once; the figure is read at each call.
/// </summary>
public static class CpuPressure
{
    private static readonly Lazy<string?> Mount = new(FindMount);
    private static string? _lastGroup;

    /// <summary>The cumulative time the node had work and none of it ran, given the process's
    /// <paramref name="cgroups"/> as just read (<see cref="CpuAllowance.ProcessCgroups"/>: a process can be moved to
    /// another group while it runs, as a benchmark does), or null where it cannot be read. Null too at the first
    /// reading after a move: the two groups' totals are not one series.</summary>
    public static TimeSpan? Stalled(string[]? cgroups)
    {
        if (Mount.Value is not { } mount || cgroups is null)
        {
            return null;
        }

        try
        {
            var group = CpuAllowance.CgroupPath(cgroups, v2: true);
            var moved = Interlocked.Exchange(ref _lastGroup, group) is { } last && last != group;
            return !moved && PressureFile(mount, group) is { } file ? ParseFullTotal(System.IO.File.ReadAllText(file)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null; // psi=0: the files are there and cannot be read
        }
    }

    /// <summary>The "full" line's total: "full avg10=1.00 avg60=0.50 avg300=0.10 total=123456" (microseconds).</summary>
    internal static TimeSpan? ParseFullTotal(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("full ", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf(" total=", StringComparison.Ordinal);
            return at >= 0 && long.TryParse(line.AsSpan(at + 7).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                ? TimeSpan.FromMicroseconds(micros)
                : null;
        }

        return null;
    }

    /// <summary>The cgroup-v2 mount point in <c>/proc/self/mountinfo</c> (<c>/sys/fs/cgroup</c>, or
    /// <c>/sys/fs/cgroup/unified</c> on a hybrid host), or null.</summary>
    internal static string? UnifiedMount(IEnumerable<string> mountInfo)
    {
        foreach (var line in mountInfo)
        {
            // "36 25 0:31 / /sys/fs/cgroup/unified rw,… - cgroup2 cgroup2 rw,…": the mount point is the fifth field,
            // the file system's type the first after " - ".
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 0 && separator + 1 < fields.Length && fields[separator + 1] == "cgroup2")
            {
                return fields[4];
            }
        }

        return null;
    }

    /// <summary>The <c>cpu.pressure</c> of the process's cgroup-v2 <paramref name="group"/> under the v2
    /// <paramref name="mount"/>: the root group's is the machine's, and a container with a cgroup namespace of its own
    /// sees its group as the root. Null without a v2 group or where the file is not there.</summary>
    internal static string? PressureFile(string? mount, string? group)
    {
        if (mount is null || group is null)
        {
            return null;
        }

        var file = Path.Join(mount, group, "cpu.pressure");
        return System.IO.File.Exists(file) ? file : null;
    }

    private static string? FindMount()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return UnifiedMount(System.IO.File.ReadLines("/proc/self/mountinfo"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
