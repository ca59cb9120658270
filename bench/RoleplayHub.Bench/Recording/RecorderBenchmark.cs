using System.Diagnostics;
using System.Globalization;
using RoleplayHub.Pipeline;
using RoleplayHub.Storage;

namespace RoleplayHub.Bench.Recording;

/// <summary>
/// What recording one user utterance costs: a 3 s utterance written as the pipeline writes it (three 1.024 s flushes of
/// 32 KB) and stored — the current recorder into a shared temporary file written over, handed to the reply to store
/// and give back (the next utterance records meanwhile), the previous one into the session's reused file —, the current recorder (the samples written at
/// offsets, the header at the end) against the previous one (hand-written header, asynchronous writes). CPU is the whole process's
/// (an asynchronous write runs on a pool thread), allocation all threads'.
/// </summary>
internal static class RecorderBenchmark
{
    private const int Utterances = 2_000; // per round
    private static readonly byte[] Flush = new byte[32_768];

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var folder = Path.Combine(Path.GetTempPath(), "recorder-bench-" + Guid.NewGuid().ToString("N"));
        var store = new LeaveInPlaceStore();
        using var files = new RecordingFiles(folder);
        var current = new UtteranceRecorder(files, store);
        var previous = new PreviousRecorder(folder);
        new Random(1).NextBytes(Flush);

        async Task Current()
        {
            for (var i = 0; i < 3; i++)
            {
                current.Write(Flush);
            }

            using var recording = current.Finish();
            await recording!.StoreAsync(store, default);
        }

        async Task Previous()
        {
            for (var i = 0; i < 3; i++)
            {
                await previous.WriteAsync(Flush, default);
            }

            await previous.CompleteAsync(store, default);
        }

        var cases = new (string Name, Func<Task> Utterance)[] { ("current: samples written at offsets, the header at the end", Current), ("previous: own header, asynchronous writes", Previous) };
        var cpu = cases.ToDictionary(c => c.Name, _ => new List<double>());
        var allocated = cases.ToDictionary(c => c.Name, _ => new List<double>());
        for (var r = -1; r < rounds; r++) // round −1 warms up
        {
            foreach (var (name, utterance) in cases)
            {
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < Utterances; i++)
                {
                    await utterance();
                }

                process.Refresh();
                if (r >= 0)
                {
                    cpu[name].Add((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / Utterances);
                    allocated[name].Add((GC.GetTotalAllocatedBytes(precise: true) - bytesBefore) / (double)Utterances);
                }
            }
        }

        await current.DisposeAsync();
        files.Dispose();
        previous.Delete();
        Directory.Delete(folder, recursive: true);

        Console.WriteLine($"# Recording a 3 s utterance (three 32 KB flushes, then stored) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine($"{rounds} rounds of {Utterances} utterances, the two recorders taking turns; median (min–max) per utterance.");
        Console.WriteLine();
        Console.WriteLine("| recorder | process CPU µs per utterance | allocated per utterance (all threads) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, _) in cases)
        {
            var c = cpu[name].Order().ToList();
            var a = allocated[name].Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {c[c.Count / 2]:0} ({c[0]:0}–{c[^1]:0}) | {a[a.Count / 2]:0} B |"));
        }

        return 0;
    }

    /// <summary>A store that leaves the finished file where it is (as a cloud store does), so the recorder reuses it.</summary>
    private sealed class LeaveInPlaceStore : IMediaStore
    {
        private static readonly StoredMedia Stored = new("user/x.wav", "audio/wav", 0);

        public string Name => "in-place";

        public ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Stored);

        public string GetUrl(string key, string? baseUrl) => key;
    }
}
