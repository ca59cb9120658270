using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace RoleplayHub.Bench.Gc;

/// <summary>
/// What a young collection's pause costs per old object written with a young reference since the last one: the card
/// table's part of the pause (docs/benchmarks.md, "What a young collection scans"). Old objects are made and
/// promoted to generation 2 (each among 1.6 KB of other old objects, as a session's are); then, collection after
/// collection, N of them are written with a reference to a new object, and garbage is allocated until the next gen0
/// collection, whose pause <c>GC.GetGCMemoryInfo</c> reports. By default the reference is overwritten at once with an
/// old one: the card stays marked and nothing young survives, so the pause is the scan alone; <c>--survivors</c>
/// keeps each new object (and a 24-byte array it holds) alive through the collection, as a turn's state is.
/// Run it as the server runs: <c>DOTNET_gcServer=1 taskset -c 0</c>.
/// </summary>
internal static class CardCost
{
    public static int Run(string[] args)
    {
        var holders = 200_000;
        int[] written = [0, 1_000, 2_000, 4_000, 8_000];
        var seconds = 10;
        var survivors = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--holders": holders = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--written": written = [.. args[++i].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))]; break;
                case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--survivors": survivors = true; break;
                default: Console.Error.WriteLine("usage: cards [--holders N] [--written N,N,...] [--seconds S] [--survivors]"); return 2;
            }
        }

        var old = new Holder[holders];
        var shared = new Young(); // old by the time it is written: a reference that marks no card of its own
        var neighbours = new List<byte[]>(holders * 16);
        for (var i = 0; i < holders; i++)
        {
            old[i] = new Holder();
            for (var n = 0; n < 16; n++)
            {
                neighbours.Add(new byte[100]);
            }
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Console.WriteLine($"{holders:N0} old objects, {(GCSettings.IsServerGC ? "Server" : "Workstation")} GC ({GCSettings.LatencyMode}), {Environment.ProcessorCount} CPU(s); " +
            (survivors ? "each written reference keeps a new object (and its 24-byte array) alive" : "each written reference overwritten at once: marked cards, nothing young survives"));
        Console.WriteLine();
        Console.WriteLine("| old objects written per collection | gen0 collections | pause p50 / mean (ms) | per object written (µs) |");
        Console.WriteLine("|---:|---:|---:|---:|");
        double? baseline = null;
        foreach (var count in written)
        {
            var pauses = Measure(old, shared, count, survivors, TimeSpan.FromSeconds(seconds));
            var median = pauses[pauses.Count / 2];
            baseline ??= count == 0 ? median : null;
            var per = count > 0 && baseline is { } zero ? $"{(median - zero) * 1000 / count:0.00}" : "–";
            Console.WriteLine($"| {count:N0} | {pauses.Count} | {median:0.00} / {pauses.Average():0.00} | {per} |");
        }

        GC.KeepAlive(neighbours);
        return 0;
    }

    private static List<double> Measure(Holder[] old, Young shared, int count, bool survivors, TimeSpan duration)
    {
        var random = new Random(1);
        var garbage = new object[1024];
        var pauses = new List<double>();
        var last = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        var skipped = 0;
        while (clock.Elapsed < duration || pauses.Count == 0)
        {
            for (var w = 0; w < count; w++)
            {
                var holder = old[random.Next(old.Length)];
                holder.Reference = new Young { Payload = new byte[24] };
                if (!survivors)
                {
                    holder.Reference = shared;
                }
            }

            while (GC.CollectionCount(0) == last)
            {
                garbage[random.Next(garbage.Length)] = new byte[64];
            }

            last = GC.CollectionCount(0);
            var info = GC.GetGCMemoryInfo(GCKind.Ephemeral);
            if (info.Generation == 0 && info.PauseDurations.Length > 0 && ++skipped > 3)
            {
                pauses.Add(info.PauseDurations[0].TotalMilliseconds);
            }

            foreach (var holder in old)
            {
                holder.Reference = null; // a null marks no card: the next round starts from none
            }
        }

        pauses.Sort();
        return pauses;
    }

    private sealed class Holder
    {
        public object? Reference;
    }

    private sealed class Young
    {
        public byte[]? Payload;
    }
}
