using System.Globalization;
using RoleplayHub.Bench.Load;
using static RoleplayHub.Bench.Latency.BenchClock;

namespace RoleplayHub.Bench.Latency;

/// <summary>The report of a latency run, as Markdown. Its summary row starts with the mode, which is how
/// <c>bench/run.sh latency</c> gathers the rows of several runs into one table.</summary>
internal static class LatencyReport
{
    public static void Print(LatencyRun run, List<double> serverCpu, List<double> loadgenCpu, RealtimeOverhead? realtime = null)
    {
        var o = run.Options;
        var turns = run.Measured.ToList();
        var answered = turns.Where(t => t.FirstAudio is not null).ToList();
        Console.WriteLine(Inv($"# End of speech → first avatar audio: {o.Stack} stack, {o.Mode}, {o.Sessions} sessions — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}"));
        Console.WriteLine();
        Console.WriteLine(o.Mode == "after"
            ? $"after: turnDetection {o.TurnDetection} (detector {o.Detector ?? "the server's default"}, {(o.TurnDetection == "server-vad" ? $"silenceMs {(o.SilenceMs is { } s ? s.ToString(CultureInfo.InvariantCulture) : "the server's default")}" : $"eagerness {o.Eagerness ?? "the server's default"}")}); the client never commits."
            : Inv($"before: turnDetection none; commit-audio {o.CommitAfter.TotalMilliseconds:0} ms after the last word, as the hands-free page's own detector did."));
        Console.WriteLine(Inv($"Each trainee streams the {run.Audio.Count} pocketsphinx-testdata clips in a loop, each with 0.5 s of noise before it and after it noise for at least"));
        Console.WriteLine(Inv($"{o.Gap.TotalSeconds:0.#} s and until the reply has played (its segments' durations) + {o.Pause.TotalSeconds:0.#} s; white noise at {o.NoiseDbfs:0} dBFS over everything,"));
        Console.WriteLine(Inv($"without a break, in {o.Chunk} ms chunks sent once spoken (real-time pace). End of speech: the"));
        Console.WriteLine("last word's end (forced alignment), on the generator's clock; first audio: the turn's avatar-response segment 0 arriving.");
        Console.WriteLine("End of turn: speech-stopped arriving (after) or the commit leaving (before), from the end of speech. The server's");
        Console.WriteLine("milestones (transcriptMs, firstTokenMs, firstAudioMs) count from its own end of utterance: the detection or the commit.");
        Console.WriteLine();

        var latency = Samples(answered.Select(t => Ms(t.EndOfSpeech!.Value, t.FirstAudio!.Value)));
        var endOfTurn = EndOfTurn(turns);
        var lag = run.SendLag.Summary();
        Console.WriteLine("| mode | sessions | turns | answered | end of speech → first audio p50 / p95 / max (ms) | end of turn p50 (ms) | transcriptMs p50 | firstTokenMs p50 | firstAudioMs p50 | server CPU mean / max | loadgen CPU mean / max | send lag p99 / max (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var milestones = $"{N(P50(answered.Select(t => t.TranscriptMs)))} | {N(P50(answered.Select(t => t.FirstTokenMs)))} | {N(P50(answered.Select(t => t.FirstAudioMs)))}";
        Console.WriteLine(Inv(
            $"| {o.Mode} | {o.Sessions} | {turns.Count} | {answered.Count} | **{N(latency.P50)}** / **{N(latency.P95)}** / {N(latency.Max)} | {N(endOfTurn.P50)} | {milestones} | {Cpu(serverCpu)} | {Cpu(loadgenCpu)} | {lag.P99:0.0} / {lag.Max:0.0} |"));
        Console.WriteLine();
        if (realtime is { } rt)
        {
            PrintRealtime(run, rt, serverCpu, loadgenCpu, lag.P99, lag.Max);
        }

        Console.WriteLine("| clip | turns | answered | end of speech → first audio p50 / max (ms) | end of turn p50 (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var clip in turns.GroupBy(t => t.Clip).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var heard = Samples(clip.Where(t => t.FirstAudio is not null).Select(t => Ms(t.EndOfSpeech!.Value, t.FirstAudio!.Value)));
            var ended = EndOfTurn(clip);
            Console.WriteLine(Inv($"| {clip.Key} | {clip.Count()} | {heard.N} | {N(heard.P50)} / {N(heard.Max)} | {N(ended.P50)} |"));
        }

        Console.WriteLine();
        var missed = turns.Where(t => t.FirstAudio is null).GroupBy(t => t.Missed ?? "no reply yet").Select(g => $"{g.Count()}× {g.Key}");
        if (o.Mode == "after")
        {
            var error = Samples(turns.Where(t => t.StopErrorMs is not null).Select(t => (double)t.StopErrorMs!.Value));
            Console.WriteLine(Inv($"speech-stopped's audioEndMs − the last word's end (the detector's end error; the stop is confirmed silenceMs later): p50 {error.P50:+0;-0;0} ms, p90 {error.P90:+0;-0;0} ms"));
        }

        var cutIn = turns.Where(t => t.Interrupted is not null && t.StartOfSpeech is not null).ToList();
        if (cutIn.Count > 0)
        {
            var heard = Samples(cutIn.Select(t => Ms(t.StartOfSpeech!.Value, t.Interrupted!.Value)));
            var server = Samples(cutIn.Where(t => t.SpeechStartedServerMs is not null).Select(t => (double)(t.InterruptedServerMs!.Value - t.SpeechStartedServerMs!.Value)));
            var when = o.BargeInAfter is { } after ? Inv($" {after.TotalMilliseconds:0} ms after its first audio") : "";
            Console.WriteLine(Inv($"barge-in ({cutIn.Count} clips spoken over the reply{when}): first word's onset → response-interrupted arriving p50 {N(heard.P50)} / p95 {N(heard.P95)} / max {N(heard.Max)} ms; the server's speech-started → response-interrupted (event timestamps, 1 ms resolution) p50 {N(server.P50)} / p95 {N(server.P95)} / max {N(server.Max)} ms"));
        }

        Console.WriteLine($"unanswered: {(turns.Count == answered.Count ? "none" : string.Join(", ", missed))}; " +
            $"clips heard as more than one turn: {turns.Count(t => t.Stops > 1)}; sessions started: {run.SessionsStarted}");
        Console.WriteLine(Inv($"loadgen: CPU {Cpu(loadgenCpu)} (of one core); send lag p50 {run.SendLag.Summary().P50:0.00} ms, p99 {lag.P99:0.00} ms, max {lag.Max:0.0} ms"));
        if (lag.P99 > 20 || loadgenCpu.DefaultIfEmpty(0).Max() > 85)
        {
            // Chunks leaving late with little CPU used means the generator's core was taken by something else.
            Console.WriteLine("WARNING: the load generator was saturated or its core busy (send lag or CPU); latencies include its own queueing.");
        }

        Console.WriteLine(run.Problems.Count == 0
            ? "problems: none"
            : "problems: " + string.Join("; ", run.Problems.Select(p => $"{p.Key}={p.Value.Values.Sum()} ({string.Join(", ", p.Value.Take(3).Select(d => $"{d.Value}× {d.Key}"))})")));
    }

    /// <summary>The realtime row: the server's own time per turn with the upstream's excluded (its first-audio delay
    /// and pace), measured by the server itself, beside the CPU figures that say whether the generator kept up.</summary>
    private static void PrintRealtime(LatencyRun run, RealtimeOverhead rt, List<double> serverCpu, List<double> loadgenCpu, double lagP99, double lagMax)
    {
        Console.WriteLine("Server overhead per realtime turn (the server's own clock, over the hold): first audio = the upstream audio that completes the");
        Console.WriteLine("reply's first segment read from the socket → its avatar-response written (WAV stored, lip-sync, event); append = one chunk of the");
        Console.WriteLine("trainee's audio resampled to the vendor's rate and sent upstream.");
        Console.WriteLine();
        Console.WriteLine("| engine | sessions | replies | first audio overhead p50 / p99 / max (ms) | appends | append p50 / p99 (ms) | server CPU mean / max | loadgen CPU mean / max | send lag p99 / max (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(Inv(
            $"| {run.Options.Engine} ({run.Options.Stack}) | {run.Options.Sessions} | {rt.Replies} | **{rt.FirstAudioP50:0.00}** / **{rt.FirstAudioP99:0.00}** / {rt.FirstAudioMax:0.00} | {rt.Appends} | {rt.AppendP50:0.000} / {rt.AppendP99:0.000} | {Cpu(serverCpu)} | {Cpu(loadgenCpu)} | {lagP99:0.0} / {lagMax:0.0} |"));
        Console.WriteLine();
    }

    private static (int N, double P50, double P90, double P95, double P99, double Max) EndOfTurn(IEnumerable<TurnMeasurement> turns) =>
        Samples(turns.Where(t => t.TurnEnded is not null).Select(t => Ms(t.EndOfSpeech!.Value, t.TurnEnded!.Value)));

    private static (int N, double P50, double P90, double P95, double P99, double Max) Samples(IEnumerable<double> values)
    {
        var samples = new LatencySamples();
        foreach (var value in values)
        {
            samples.Add(value);
        }

        return samples.Summary();
    }

    private static double P50(IEnumerable<int?> values) => Samples(values.Where(v => v is not null).Select(v => (double)v!.Value)).P50;

    private static string N(double ms) => double.IsNaN(ms) ? "—" : ms.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cpu(List<double> percent) => percent.Count == 0
        ? "—"
        : Inv($"{percent.Average():0} % / {percent.Max():0} %");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
