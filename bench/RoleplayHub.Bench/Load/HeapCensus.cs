using System.Text;
using Microsoft.Diagnostics.Runtime;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// The server's live managed objects by type, read from outside the process (ClrMD attaches and suspends it while it
/// walks the heap from the GC roots: ~1 s per 500,000 objects). Two censuses, before the load and during the hold,
/// say what a connection or a session is made of — the breakdown behind "memory per session" that the heap total
/// alone cannot give (dotnet-gcdump is not installable here). Strings are also counted by their first characters,
/// which say what they are (a reply, a media key, a token, a request line).
/// <para>The promotion census (<see cref="TakeGeneration1"/>) counts generation 1 instead, live or not: what the young
/// collections since the last gen1 collection found still referenced and promoted. Their pause is the acknowledgement
/// tail, and its length follows what they promote.</para>
/// </summary>
internal sealed class HeapCensus
{
    private readonly Dictionary<string, (long Count, long Bytes)> _byType;
    private readonly Dictionary<string, (long Count, long Bytes)> _strings;

    private HeapCensus(Dictionary<string, (long Count, long Bytes)> byType, Dictionary<string, (long Count, long Bytes)> strings)
    {
        _byType = byType;
        _strings = strings;
    }

    public static HeapCensus Take(int pid)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = CreateRuntime(target);
        var heap = runtime.Heap;

        // Reachable objects only: a census right after a GC would still count garbage allocated since.
        var live = new HashSet<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.Address != 0 && live.Add(root.Object.Address))
            {
                pending.Push(root.Object.Address);
            }
        }

        var byType = new Dictionary<string, (long Count, long Bytes)>();
        var strings = new Dictionary<string, (long Count, long Bytes)>();
        while (pending.Count > 0)
        {
            var obj = heap.GetObject(pending.Pop());
            if (!obj.IsValid)
            {
                continue;
            }

            Count(obj, byType, strings);
            foreach (var reference in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
            {
                if (reference != 0 && live.Add(reference))
                {
                    pending.Push(reference);
                }
            }
        }

        return new HeapCensus(byType, strings);
    }

    internal static ClrRuntime CreateRuntime(DataTarget target)
    {
        var clr = target.ClrVersions[0];
        // The runtime's own DAC, beside it: ClrMD's search by build id misses it for some servicing builds.
        var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? "", "libmscordaccore.so");
        return File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
    }

    private static void Count(ClrObject obj, Dictionary<string, (long Count, long Bytes)> byType, Dictionary<string, (long Count, long Bytes)> strings)
    {
        var name = obj.Type?.Name ?? "?";
        var (count, bytes) = byType.GetValueOrDefault(name);
        byType[name] = (count + 1, bytes + (long)obj.Size);
        if (obj.Type?.IsString == true)
        {
            var shape = Shape(obj.AsString(maxLength: 24));
            var (n, b) = strings.GetValueOrDefault(shape);
            strings[shape] = (n + 1, b + (long)obj.Size);
        }
    }

    /// <summary>Every object in generation 1, reachable or not: what the server's young collections promoted since its
    /// last gen1 collection. Taken without a collection first, during the hold.</summary>
    public static HeapCensus TakeGeneration1(int pid)
    {
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = CreateRuntime(target);
        var byType = new Dictionary<string, (long Count, long Bytes)>();
        var strings = new Dictionary<string, (long Count, long Bytes)>();
        foreach (var segment in runtime.Heap.Segments)
        {
            foreach (var obj in segment.EnumerateObjects())
            {
                if (obj.IsValid && !obj.IsFree && segment.GetGeneration(obj.Address) == Generation.Generation1)
                {
                    Count(obj, byType, strings);
                }
            }
        }

        return new HeapCensus(byType, strings);
    }

    /// <summary>Nothing: the baseline of a census that is not a difference.</summary>
    public static HeapCensus Empty { get; } = new([], []);

    // A string's kind rather than its text: its first characters with digits as 9, so ids and times of a kind count
    // together ('|' would end a table cell).
    private static string Shape(string? text)
    {
        if (text is null)
        {
            return "?";
        }

        var shape = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            shape.Append(char.IsDigit(c) ? '9' : char.IsControl(c) ? ' ' : c == '|' ? '/' : c);
        }

        return shape.ToString();
    }

    /// <summary>What grew from <paramref name="before"/> to this census, per unit (connection or session), by type
    /// and by the namespace that owns it.</summary>
    public string Report(HeapCensus before, int units, string unit, int top = 25, string what = "of live objects")
    {
        var growth = _byType
            .Select(t => (Type: t.Key, Count: t.Value.Count - before._byType.GetValueOrDefault(t.Key).Count, Bytes: t.Value.Bytes - before._byType.GetValueOrDefault(t.Key).Bytes))
            .Where(t => t.Bytes > 0)
            .OrderByDescending(t => t.Bytes)
            .ToList();
        var total = growth.Sum(t => t.Bytes);
        var lines = new List<string>
        {
            $"heap census: {total / (double)units / 1024:0.0} KB {what} per {unit} ({units} live), by owner:",
            "",
            "| owner | bytes per " + unit + " |",
            "|---|---:|",
        };
        lines.AddRange(growth
            .GroupBy(t => Owner(t.Type))
            .Select(g => (Owner: g.Key, Bytes: g.Sum(t => t.Bytes)))
            .OrderByDescending(g => g.Bytes)
            .Take(12)
            .Select(g => $"| {g.Owner} | {g.Bytes / (double)units:0} |"));
        lines.Add("");
        lines.Add($"| type | objects per {unit} | bytes per {unit} |");
        lines.Add("|---|---:|---:|");
        lines.AddRange(growth.Take(top).Select(t => $"| `{Shorten(t.Type)}` | {t.Count / (double)units:0.##} | {t.Bytes / (double)units:0} |"));
        lines.Add("");
        lines.Add($"| strings, by their first 24 characters (digits as 9) | objects per {unit} | bytes per {unit} |");
        lines.Add("|---|---:|---:|");
        lines.AddRange(_strings
            .Select(t => (Shape: t.Key, Count: t.Value.Count - before._strings.GetValueOrDefault(t.Key).Count, Bytes: t.Value.Bytes - before._strings.GetValueOrDefault(t.Key).Bytes))
            .Where(t => t.Bytes > 0)
            .OrderByDescending(t => t.Bytes)
            .Take(top)
            .Select(t => $"| `{t.Shape.Replace('`', '\'')}` | {t.Count / (double)units:0.##} | {t.Bytes / (double)units:0} |"));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The framework part a type belongs to: generic arguments say who owns a state machine or a box.</summary>
    private static string Owner(string type)
    {
        foreach (var (prefix, owner) in Owners)
        {
            if (type.Contains(prefix, StringComparison.Ordinal))
            {
                return owner;
            }
        }

        var dot = type.IndexOf('<') is var angle and > 0 ? type[..angle].LastIndexOf('.') : type.LastIndexOf('.');
        return dot > 0 ? type[..dot] : type;
    }

    private static readonly (string Prefix, string Owner)[] Owners =
    [
        ("RoleplayHub.", "RoleplayHub (ours)"),
        ("Microsoft.AspNetCore.SignalR", "SignalR hub layer"),
        ("Microsoft.AspNetCore.Http.Connections", "SignalR connection/transport"),
        ("System.Net.WebSockets", "WebSocket"),
        ("Microsoft.AspNetCore.Server.Kestrel", "Kestrel (HTTP/1.1 + socket)"),
        ("Microsoft.AspNetCore.Authentication", "authentication"),
        ("System.Security.Claims", "authentication"),
        ("System.IO.Pipelines", "pipes"),
    ];

    private static string Shorten(string type) => type.Length <= 110 ? type : type[..107] + "...";
}
