using System.Diagnostics;
using System.Globalization;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Bench.Resampling;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Bench.Vad;

/// <summary>
/// The voice detectors through the turn detector, with the defaults a session gets (the kind's threshold, 300 ms
/// prefix padding, 500 ms silence), on the pocketsphinx-testdata recordings padded with 1.5 s of silence — once as
/// they are, once with white noise at −50 dBFS over everything. Accuracy against where each clip's words are (a forced
/// alignment: PocketSphinx constrained to the clip's transcript), and cost per second of audio.
/// </summary>
internal static class VadBenchmark
{
    private const int Rate = VadAudio.SamplesPerSecond;
    private const int Padding = Rate * 3 / 2;
    private const int PrefixMs = 300;
    private const int SilenceMs = 500;
    private const int Piece = Rate / 4; // 250 ms chunks, as a session's arrive
    private const double NoiseDbfs = -50;
    private const double BudgetMsPerChunk = 0.08;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 9;
        var model = new SileroModel(Path.Combine(AppContext.BaseDirectory, "models", "silero_vad.onnx"));
        if (model.Unavailable is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 1;
        }

        IVoiceDetectorKind[] kinds = [new EnergyDetectorKind(), new SileroDetectorKind(model)];
        var clips = await AlignedClips.LoadAsync();
        Console.WriteLine($"# Server voice activity detection — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}");
        Console.WriteLine();
        Console.WriteLine($"{clips.Count} clips of pocketsphinx-testdata, each padded with 1.5 s of digital silence before and after (\"silence\"),");
        Console.WriteLine($"and the same with Gaussian white noise at {NoiseDbfs} dBFS (seeded) over the whole stream (\"noise\"); fed in 250 ms pieces to a");
        Console.WriteLine($"turn detector with the kind's default threshold, {PrefixMs} ms prefix padding and {SilenceMs} ms silence. The clip's words: a forced alignment");
        Console.WriteLine("(PocketSphinx, en-US model, the transcript as its only grammar; bench/RoleplayHub.Bench/Vad/ForcedAlignment.cs).");
        Console.WriteLine("Start error: the window that started speech (the event's sample + the prefix padding) − the first word's onset;");
        Console.WriteLine("negative = before the first word. Words cut: starts whose event (padding included) lies after the first word's onset.");
        Console.WriteLine("End error: the stop event's sample (the end of the last window over threshold − 0.15) − the last word's end;");
        Console.WriteLine("negative = the end of the last word is cut. False starts: a start in the padding alone. Missed: no start while");
        Console.WriteLine("the words are spoken. Split: a stop between the first word and the last, followed by another start.");
        Console.WriteLine();
        PrintClips(clips);

        var streams = new List<Stream>();
        foreach (var clip in clips)
        {
            var silent = VadAudio.Pad(clip.Samples, Padding);
            streams.Add(new Stream(clip, "silence", silent));
            streams.Add(new Stream(clip, "noise", VadAudio.Mix(silent, VadAudio.WhiteNoise(silent.Length, NoiseDbfs, seed: clip.Name.Length))));
        }

        Console.WriteLine("## Accuracy");
        Console.WriteLine();
        Console.WriteLine("| detector | background | clips found | missed | false starts | split | words cut at the start | start error, mean (min … max) ms | end error, mean (min … max) ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var perClip = new List<(string Kind, string Background, string Clip, string Events)>();
        foreach (var kind in kinds)
        {
            foreach (var background in new[] { "silence", "noise" })
            {
                var outcomes = streams.Where(s => s.Background == background).Select(s => Score(kind, s)).ToList();
                perClip.AddRange(outcomes.Select(o => (kind.Name, background, o.Clip, o.Events)));
                var found = outcomes.Where(o => o.StartErrorMs is not null).ToList();
                var starts = found.Select(o => o.StartErrorMs!.Value).ToList();
                var ends = found.Where(o => o.EndErrorMs is not null).Select(o => o.EndErrorMs!.Value).ToList();
                Console.WriteLine(Inv(
                    $"| {kind.Name} | {background} | {found.Count}/{outcomes.Count} | {outcomes.Count - found.Count} | {outcomes.Sum(o => o.FalseStarts)} | {outcomes.Count(o => o.Split)} | {outcomes.Count(o => o.WordsCut)} | {Spread(starts)} | {Spread(ends)} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Per clip, the events (ms from the stream's start; the clip begins at 1500):");
        Console.WriteLine();
        Console.WriteLine("| clip | words (ms) | " + string.Join(" | ", kinds.SelectMany(k => new[] { $"{k.Name}, silence", $"{k.Name}, noise" })) + " |");
        Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", kinds.Length * 2)));
        foreach (var clip in clips)
        {
            var cells = kinds.SelectMany(k => new[] { "silence", "noise" }.Select(b => perClip.Single(p => p.Kind == k.Name && p.Background == b && p.Clip == clip.Name).Events));
            Console.WriteLine($"| {clip.Name} | {Padding / 16 + clip.FirstWordMs}–{Padding / 16 + clip.LastWordEndMs} | {string.Join(" | ", cells)} |");
        }

        Console.WriteLine();
        SilenceSweep(kinds, clips, streams);
        Cost(kinds, streams, rounds);
        model.Dispose();
        return 0;
    }

    private sealed record Stream(AlignedClip Clip, string Background, short[] Samples);

    private sealed record Outcome(string Clip, double? StartErrorMs, double? EndErrorMs, int FalseStarts, bool Split, bool WordsCut, string Events);

    /// <summary>
    /// How short the silence that ends a turn can be: for each setting, the clips cut in two (a stop between the first
    /// and the last word) against how soon after the last word the turn ends — the stop's sample plus the silence,
    /// the moment the detector decides.
    /// </summary>
    private static void SilenceSweep(IVoiceDetectorKind[] kinds, List<AlignedClip> clips, List<Stream> streams)
    {
        Console.WriteLine("## The silence that ends a turn");
        Console.WriteLine();
        var pauses = clips.SelectMany(c => c.PausesMs).Order().ToList();
        Console.WriteLine(Inv($"The clips' own pauses between words (the alignment's): {pauses.Count}, the longest {string.Join(", ", pauses.AsEnumerable().Reverse().Take(6))} ms."));
        Console.WriteLine("Decided: the stop event's sample + the silence − the last word's end (when the turn is over for the server).");
        Console.WriteLine();
        Console.WriteLine("| silence (ms) | detector | background | clips split | decided after the last word, median (max) ms |");
        Console.WriteLine("|---:|---|---|---:|---:|");
        foreach (var silence in new[] { 200, 300, 400, 500, 700 })
        {
            foreach (var kind in kinds)
            {
                foreach (var background in new[] { "silence", "noise" })
                {
                    var outcomes = streams.Where(s => s.Background == background).Select(s => Score(kind, s, silence)).ToList();
                    var decided = outcomes.Where(o => o.EndErrorMs is not null).Select(o => o.EndErrorMs!.Value + silence).Order().ToList();
                    Console.WriteLine(Inv($"| {silence} | {kind.Name} | {background} | {outcomes.Count(o => o.Split)}/{outcomes.Count} | {(decided.Count == 0 ? "—" : $"{decided[decided.Count / 2]:0} ({decided[^1]:0})")} |"));
                }
            }
        }

        Console.WriteLine();
    }

    private static Outcome Score(IVoiceDetectorKind kind, Stream stream, int silenceMs = SilenceMs)
    {
        using var turns = new TurnDetector(kind.Create(), kind.DefaultThreshold, PrefixMs, silenceMs);
        var events = VadAudio.Events(turns, stream.Samples, Piece);
        long clipStart = Padding, clipEnd = Padding + stream.Clip.Samples.Length;
        long firstWord = clipStart + (stream.Clip.FirstWordMs * 16L), lastWordEnd = clipStart + (stream.Clip.LastWordEndMs * 16L);

        // Pair each start with the stop after it (or the end of the stream).
        var turnsFound = new List<(long Detected, long Start, long? Stop)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Kind == VoiceEventKind.SpeechStarted)
            {
                var stop = i + 1 < events.Count ? events[i + 1].Sample : (long?)null;
                turnsFound.Add((events[i].Sample + (PrefixMs * 16L), events[i].Sample, stop));
            }
        }

        var window = IVoiceDetector.WindowSamples;
        var falseStarts = turnsFound.Count(t => t.Detected + window <= clipStart || t.Detected >= clipEnd);
        var speaking = turnsFound.Where(t => t.Detected < lastWordEnd && (t.Stop ?? long.MaxValue) > firstWord).ToList();
        var text = string.Join(", ", turnsFound.Select(t => $"{t.Start / 16}–{(t.Stop is { } s ? (s / 16).ToString(CultureInfo.InvariantCulture) : "…")}"));
        if (speaking.Count == 0)
        {
            return new Outcome(stream.Clip.Name, null, null, falseStarts, false, false, text.Length == 0 ? "none" : text);
        }

        var first = speaking[0];
        var last = speaking[^1];
        return new Outcome(
            stream.Clip.Name,
            (first.Detected - firstWord) / 16.0,
            last.Stop is { } stopped ? (stopped - lastWordEnd) / 16.0 : null,
            falseStarts,
            speaking.Count > 1,
            first.Start > firstWord,
            text);
    }

    /// <summary>
    /// CPU (the measuring thread's own, so the other core's work does not count — ONNX Runtime runs on the caller's
    /// thread with one intra-op thread) and allocation per second of audio: every stream through fresh turn detectors,
    /// the detectors taking turns round by round, after one unrecorded round.
    /// </summary>
    private static void Cost(IVoiceDetectorKind[] kinds, List<Stream> streams, int rounds)
    {
        var audioSeconds = streams.Sum(s => s.Samples.Length) / (double)Rate;
        var cpu = kinds.ToDictionary(k => k.Name, _ => new List<double>());
        var process = kinds.ToDictionary(k => k.Name, _ => new List<double>());
        var allocated = kinds.ToDictionary(k => k.Name, _ => 0L);
        for (var round = -1; round < rounds; round++)
        {
            foreach (var kind in kinds)
            {
                var detectors = streams.Select(_ => new TurnDetector(kind.Create(), kind.DefaultThreshold, PrefixMs, SilenceMs)).ToList();
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var processStart = Process.GetCurrentProcess().TotalProcessorTime;
                var start = ThreadCpu.Now();
                for (var i = 0; i < streams.Count; i++)
                {
                    Feed(detectors[i], streams[i].Samples);
                }

                var elapsed = ThreadCpu.Now() - start;
                var processElapsed = Process.GetCurrentProcess().TotalProcessorTime - processStart;
                var spent = GC.GetAllocatedBytesForCurrentThread() - bytes;
                detectors.ForEach(d => d.Dispose());
                if (round >= 0)
                {
                    cpu[kind.Name].Add(elapsed.TotalMilliseconds / audioSeconds);
                    process[kind.Name].Add(processElapsed.TotalMilliseconds / audioSeconds);
                    allocated[kind.Name] += spent;
                }
            }
        }

        Console.WriteLine("## Cost");
        Console.WriteLine();
        Console.WriteLine(Inv($"All {streams.Count} streams ({audioSeconds:0.0} s of audio) per round, {rounds} rounds after one unrecorded, the detectors taking turns;"));
        Console.WriteLine("thread CPU time (CLOCK_THREAD_CPUTIME_ID) and, as a check, the whole process's; the turn detector's own work included.");
        Console.WriteLine(Inv($"A 250 ms chunk is 7.8 windows; its budget is {BudgetMsPerChunk} CPU-ms for everything the server does with it."));
        Console.WriteLine();
        Console.WriteLine("| detector | CPU ms per audio s, median (min–max) | process CPU ms per audio s, median | µs per window | CPU ms per 250 ms chunk | share of the 0.08 ms chunk budget | allocated per audio s | per window |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds)
        {
            var sorted = cpu[kind.Name].Order().ToList();
            var median = sorted[sorted.Count / 2];
            var perSecond = allocated[kind.Name] / (rounds * audioSeconds);
            var perChunk = median / 4;
            Console.WriteLine(Inv(
                $"| {kind.Name} | {median:0.000} ({sorted[0]:0.000}–{sorted[^1]:0.000}) | {process[kind.Name].Order().ElementAt(rounds / 2):0.000} | {median * 1000 / (Rate / (double)IVoiceDetector.WindowSamples):0.00} | {perChunk:0.0000} | {perChunk / BudgetMsPerChunk:P1} | {perSecond:0} B | {perSecond * IVoiceDetector.WindowSamples / Rate:0.0} B |"));
        }

        Console.WriteLine();
    }

    private static void Feed(TurnDetector turns, short[] samples)
    {
        for (var offset = 0; offset < samples.Length; offset += Piece)
        {
            var chunk = samples.AsSpan(offset, Math.Min(Piece, samples.Length - offset));
            while (!chunk.IsEmpty)
            {
                chunk = chunk[turns.Process(chunk).Consumed..];
            }
        }
    }

    private static void PrintClips(List<AlignedClip> clips)
    {
        Console.WriteLine("## Clips");
        Console.WriteLine();
        Console.WriteLine("| clip | length (ms) | first word onset (ms) | last word end (ms) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var clip in clips)
        {
            Console.WriteLine($"| {clip.Name} | {clip.Samples.Length / 16} | {clip.FirstWordMs} | {clip.LastWordEndMs} |");
        }

        Console.WriteLine();
    }

    private static string Spread(List<double> values) => values.Count == 0
        ? "—"
        : Inv($"{values.Average():+0;-0;0} ({values.Min():+0;-0;0} … {values.Max():+0;-0;0})");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
