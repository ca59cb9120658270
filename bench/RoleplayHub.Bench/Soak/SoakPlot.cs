using System.Globalization;
using System.Text.Json;
using ScottPlot;

namespace RoleplayHub.Bench.Soak;

/// <summary>
/// The soak run's curves (<c>bench/run.sh soak</c>): reads the load generator's <c>--out</c> JSON (the server's RSS each
/// second, its <c>/api/stats</c> each second and, with <c>--live-heap-every</c>, its live heap after a full collection)
/// and draws the managed heap, RSS, thread-pool queue and GC per minute as one PNG; prints the growth after warm-up,
/// comparing minutes 10–15 with the last five. The leak measure is the live heap where it was read: the heap sampled
/// between collections also holds garbage waiting for the next gen2 collection, which comes a few times a minute.
/// </summary>
internal static class SoakPlot
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(10);

    public static int Run(string[] args)
    {
        string? input = null, png = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            (input, png) = args[i] switch
            {
                "--in" => (args[i + 1], png),
                "--png" => (input, args[i + 1]),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        if (input is null || png is null)
        {
            Console.Error.WriteLine("usage: soak-plot --in soak.json --png soak.png");
            return 2;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(input));
        var stats = document.RootElement.GetProperty("stats").EnumerateArray().ToList();
        var rss = document.RootElement.GetProperty("server").EnumerateArray().Select(s => s.GetProperty("RssBytes").GetInt64() / 1048576.0).ToArray();
        var t0 = stats[0].GetProperty("uptimeSeconds").GetInt64();
        var minutes = stats.Select(s => (s.GetProperty("uptimeSeconds").GetInt64() - t0) / 60.0).ToArray();
        var heap = stats.Select(s => s.GetProperty("managedHeapBytes").GetInt64() / 1048576.0).ToArray();
        var queue = stats.Select(s => (double)s.GetProperty("threadPoolQueue").GetInt64()).ToArray();

        // The heap as sampled includes garbage not yet collected: its low point in each minute is what survived the
        // collections, the curve that shows a leak.
        var perMinute = minutes.Select((m, i) => (Minute: (int)m, i)).GroupBy(x => x.Minute).OrderBy(g => g.Key).ToList();
        var minuteX = perMinute.Select(g => (double)g.Key).ToArray();
        var heapFloor = perMinute.Select(g => g.Min(x => heap[x.i])).ToArray();
        var gen0 = PerMinute(perMinute, stats, "gen0Collections");
        var gen2 = PerMinute(perMinute, stats, "gen2Collections");
        var pause = PerMinute(perMinute, stats, "gcPauseMs");
        var rssMinutes = Enumerable.Range(0, rss.Length).Select(i => i / 60.0).ToArray();
        var collected = document.RootElement.TryGetProperty("liveHeap", out var l) ? l.EnumerateArray().ToList() : [];
        var liveX = collected.Select(s => (s.GetProperty("uptimeSeconds").GetInt64() - t0) / 60.0).ToArray();
        var liveY = collected.Select(s => s.GetProperty("managedHeapBytes").GetInt64() / 1048576.0).ToArray();

        var multiplot = new Multiplot();
        multiplot.AddPlots(4);
        var heapSeries = new List<(double[], double[], string)> { (minutes, heap, "sampled"), (minuteX, heapFloor, "low point per minute") };
        if (liveY.Length > 0)
        {
            heapSeries.Add((liveX, liveY, "live after a full GC"));
        }

        Draw(multiplot.GetPlot(0), "Managed heap (MB): each second, its low point each minute, live after a full GC", "MB", [.. heapSeries]);
        Draw(multiplot.GetPlot(1), "Resident set size (MB)", "MB", (rssMinutes, rss, "RSS"));
        Draw(multiplot.GetPlot(2), "Thread-pool queue (work items waiting)", "items", (minutes, queue, "queue"));
        Draw(multiplot.GetPlot(3), "GC per minute", "count / ms", (minuteX, gen0, "gen0 collections"), (minuteX, gen2, "gen2 collections"), (minuteX, pause, "pause ms"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(png))!);
        multiplot.SavePng(png, 1200, 1400);

        var heapGrowth = Growth(minuteX, heapFloor);
        var rssGrowth = Growth(rssMinutes, rss);
        Console.WriteLine();
        if (liveY.Length > 0)
        {
            var liveGrowth = Growth(liveX, liveY);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Live heap after a full GC ({liveY.Length} reads): {liveGrowth.Base:0.0} → {liveGrowth.End:0.0} MB ({liveGrowth.Percent:+0.0;-0.0} %), minutes 10–15 against the last five."));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak over {minutes[^1]:0} min: managed heap (low point per minute) {heapGrowth.Base:0.0} → {heapGrowth.End:0.0} MB ({heapGrowth.Percent:+0.0;-0.0} %), " +
            $"RSS {rssGrowth.Base:0.0} → {rssGrowth.End:0.0} MB ({rssGrowth.Percent:+0.0;-0.0} %), minutes 10–15 against the last five; " +
            $"thread-pool queue max {queue.Max():0}; gen2 collections {stats[^1].GetProperty("gen2Collections").GetInt32() - stats[0].GetProperty("gen2Collections").GetInt32()}. Plot: {png}"));
        return 0;
    }

    private static double[] PerMinute(List<IGrouping<int, (int Minute, int i)>> minutes, List<JsonElement> stats, string counter) =>
        minutes.Select(g =>
        {
            var first = stats[g.First().i].GetProperty(counter).GetDouble();
            var last = stats[g.Last().i].GetProperty(counter).GetDouble();
            return last - first;
        }).ToArray();

    private static (double Base, double End, double Percent) Growth(double[] minutes, double[] values)
    {
        var baseline = Median(minutes.Zip(values).Where(p => p.First >= WarmUp.TotalMinutes && p.First < WarmUp.TotalMinutes + 5).Select(p => p.Second));
        var end = Median(minutes.Zip(values).Where(p => p.First >= minutes[^1] - 5).Select(p => p.Second));
        return (baseline, end, baseline > 0 ? (end - baseline) / baseline * 100 : double.NaN);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static void Draw(Plot plot, string title, string unit, params (double[] X, double[] Y, string Label)[] series)
    {
        plot.Title(title);
        plot.XLabel("minutes");
        plot.YLabel(unit);
        foreach (var (x, y, label) in series)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = label;
        }

        if (series.Length > 1)
        {
            plot.ShowLegend();
        }
    }
}
