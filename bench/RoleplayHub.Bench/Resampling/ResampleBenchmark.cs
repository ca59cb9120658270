using System.Globalization;
using RoleplayHub.Audio;
using RoleplayHub.Core;

namespace RoleplayHub.Bench.Resampling;

/// <summary>
/// Our polyphase resampler side by side with NAudio's WDL resampler for the conversions the audio path makes (48 kHz,
/// 44.1 kHz → 16 kHz; 8 kHz → 16 kHz), fed as the audio path feeds it (250 ms chunks of one continuous stream): CPU per
/// second of audio (the measuring thread's own CPU time, so other work on the machine does not count), bytes allocated
/// per second of audio, and the frequency response from a tone sweep.
/// </summary>
internal static class ResampleBenchmark
{
    private const int AudioSeconds = 10; // per measured round
    private const int Step = 100; // Hz between swept tones

    /// <summary>About the level of PCM16 rounding noise below a −6 dBFS tone: quieter residue cannot be told apart.</summary>
    private const int Floor = -90;

    private static readonly int[] InputRates = [48_000, 44_100, 8_000];

    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        Console.WriteLine($"# Resampling to 16 kHz: ours vs NAudio — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine($"Mono, 250 ms chunks of one continuous stream. CPU: the thread's CPU time per second of audio, {rounds} rounds of");
        Console.WriteLine($"{AudioSeconds} s after warm-up, the three resamplers taking turns round by round; median (min–max). Allocated:");
        Console.WriteLine("GC.GetAllocatedBytesForCurrentThread over those rounds. Input is float (the PCM16 → float step before the");
        Console.WriteLine("resampler is the same for all), output PCM16 with the same rounding. Tone sweep: −6 dBFS tones every 100 Hz, each");
        Console.WriteLine("through a fresh resampler; \"rejection\" is everything in the output besides the tone, in dB below the output of a");
        Console.WriteLine($"1 kHz tone; with PCM16 output about {-Floor} dB is the measurement floor. Stop band, downsampling: tones from 10 % /");
        Console.WriteLine("25 % above the output's Nyquist (8.8 / 10 kHz) to the input's; upsampling: the images of tones up to 10 % / 25 %");
        Console.WriteLine("below the input's Nyquist (3.6 / 3 kHz).");
        Console.WriteLine();

        // A whole unrecorded pass first: the code the first conversion runs is otherwise still on its way to the JIT's
        // optimised tier when measured (as it is for the server before its warm-up).
        foreach (var rate in InputRates)
        {
            Cost(rate, rounds: 3);
        }

        Thread.Sleep(1_000);
        var sweeps = new List<(int Rate, string Name, List<(int Hz, double GainDb, double SpuriousDb)> Points)>();
        Console.WriteLine("| conversion | resampler | CPU ms per audio s, median (min–max) | allocated per audio s | stop-band rejection, worst, 10 % / 25 % guard (dB) | spurious with a 0.1–3.4 kHz tone, worst (dB) | passband ripple 0.1–3.4 kHz (dB) | −3 dB point (kHz) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var rate in InputRates)
        {
            var costs = Cost(rate, rounds);
            foreach (var name in StreamingResamplers.Names)
            {
                var (cpu, allocated) = costs[name];
                var points = Sweep(name, rate);
                sweeps.Add((rate, name, points));
                var up = rate < AudioFormat.NormalizedSampleRate;
                var nearGuard = Worst(points.Where(p => up ? p.Hz <= rate * 0.45 : p.Hz >= 8_800));
                var farGuard = Worst(points.Where(p => up ? p.Hz <= rate * 0.375 : p.Hz >= 10_000));
                var inBand = Worst(points.Where(p => p.Hz <= 3_400));
                var pass = points.Where(p => p.Hz <= 3_400).Select(p => p.GainDb).ToList();
                var corner = points.FirstOrDefault(p => p.GainDb < -3).Hz;
                Array.Sort(cpu);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {rate / 1000.0:0.#} → 16 kHz | {name} | {cpu[cpu.Length / 2]:0.00} ({cpu[0]:0.00}–{cpu[^1]:0.00}) | {Bytes(allocated)} | {Db(-nearGuard)} / {Db(-farGuard)} | {Db(-inBand)} | {pass.Max() - pass.Min():0.00} | {(corner == 0 ? "—" : (corner / 1000.0).ToString("0.0", CultureInfo.InvariantCulture))} |"));
            }
        }

        Console.WriteLine();
        foreach (var rate in InputRates)
        {
            PrintSweep(rate, sweeps.Where(s => s.Rate == rate).ToList());
        }

        return 0;
    }

    private static double Worst(IEnumerable<(int Hz, double GainDb, double SpuriousDb)> points) => points.Max(p => p.SpuriousDb);

    /// <summary>A rejection in dB, or "> 90" where the residue is under the PCM16 floor.</summary>
    private static string Db(double rejection) =>
        rejection > -Floor ? $"> {-Floor}" : rejection.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// CPU and allocation of each resampler on the same random PCM16 stream. The resamplers take turns round by round,
    /// so a change in the machine's load (other builds on the other core) falls on all of them alike.
    /// </summary>
    private static Dictionary<string, (double[] CpuMsPerSecond, double AllocatedPerSecond)> Cost(int rate, int rounds)
    {
        var chunk = rate / 4;
        var random = new Random(1);
        var input = new float[rate * AudioSeconds];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)random.Next(-16_384, 16_384) / 32768f;
        }

        var resamplers = StreamingResamplers.Names.ToDictionary(n => n, n => StreamingResamplers.Create(n, rate, AudioFormat.NormalizedSampleRate, chunk));
        using var output = new PcmBuffer(AudioFormat.NormalizedSampleRate);
        void Round(IStreamingResampler resampler)
        {
            for (var i = 0; i < input.Length; i += chunk)
            {
                resampler.Process(input.AsSpan(i, chunk), output);
                output.Clear();
            }
        }

        // Enough calls for the JIT to tier the loops up, and time for it to install them.
        foreach (var resampler in resamplers.Values)
        {
            for (var i = 0; i < 5; i++)
            {
                Round(resampler);
            }
        }

        Thread.Sleep(500);
        var cpu = StreamingResamplers.Names.ToDictionary(n => n, _ => new double[rounds]);
        var allocated = StreamingResamplers.Names.ToDictionary(n => n, _ => 0L);
        for (var r = 0; r < rounds; r++)
        {
            foreach (var (name, resampler) in resamplers)
            {
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var start = ThreadCpu.Now();
                Round(resampler);
                cpu[name][r] = (ThreadCpu.Now() - start).TotalMilliseconds / AudioSeconds;
                allocated[name] += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }

        return StreamingResamplers.Names.ToDictionary(n => n, n => (cpu[n], allocated[n] / (double)(rounds * AudioSeconds)));
    }

    private static List<(int Hz, double GainDb, double SpuriousDb)> Sweep(string name, int rate)
    {
        var reference = ToneSweep.ReferencePower(name, rate);
        var top = (rate / 2) - Step;
        var points = new List<(int, double, double)>();
        for (var hz = Step; hz <= top; hz += Step)
        {
            var (gain, spurious) = ToneSweep.Measure(name, rate, hz, reference);
            points.Add((hz, gain, spurious));
        }

        return points;
    }

    private static void PrintSweep(int rate, List<(int Rate, string Name, List<(int Hz, double GainDb, double SpuriousDb)> Points)> sweeps)
    {
        Console.WriteLine($"## {rate / 1000.0:0.#} kHz → 16 kHz: tone sweep (every 500 Hz of the 100 Hz sweep)");
        Console.WriteLine();
        Console.WriteLine("Per resampler: gain at the tone (dB; — above the output's Nyquist) / rejection of everything else in the output (dB below a 1 kHz tone's output).");
        Console.WriteLine();
        Console.WriteLine("| tone (Hz) | " + string.Join(" | ", sweeps.Select(s => s.Name)) + " |");
        Console.WriteLine("|---:|" + string.Concat(sweeps.Select(_ => "---:|")));
        foreach (var hz in sweeps[0].Points.Select(p => p.Hz).Where(hz => hz % 500 == 0 || hz == Step))
        {
            var cells = sweeps.Select(s => s.Points.Single(p => p.Hz == hz)).Select(p =>
                $"{(double.IsNaN(p.GainDb) ? "—" : p.GainDb.ToString("0.00", CultureInfo.InvariantCulture))} / {Db(-p.SpuriousDb)}");
            Console.WriteLine($"| {hz} | " + string.Join(" | ", cells) + " |");
        }

        Console.WriteLine();
    }

    private static string Bytes(double bytes) => bytes switch
    {
        < 1 => "0 B",
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.0} KB"),
    };
}
