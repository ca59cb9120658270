using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Bench.Speech;

/// <summary>
/// The recogniser's last partial hypothesis against its final one, per decoder setting: each test clip is fed to a
/// fresh PocketSphinx decoder in 100 ms pieces (a server-vad session's flush), the partial read after every piece, and
/// the utterance ended. Word error rate of the last partial and of the final against the transcript, and how long
/// ending the utterance (the finalisation a turn waits for) takes.
/// </summary>
internal static class FinalsBenchmark
{
    private const string Model = "/usr/share/pocketsphinx/model/en-us";
    private const int Piece = 1_600; // 100 ms at 16 kHz

    /// <summary>The settings compared: PocketSphinx's default three passes, and its first pass alone.</summary>
    private static readonly (string Name, string[] Args)[] Settings =
    [
        ("default (fwdtree + fwdflat + bestpath)", []),
        ("no bestpath (fwdtree + fwdflat)", ["-bestpath", "no"]),
        ("first pass only (fwdtree)", ["-fwdflat", "no", "-bestpath", "no"]),
    ];

    public static int Run(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var clips = Vad.AlignedClips.Transcribed().Select(c => new Clip(c.Name, c.Samples, c.Transcript)).ToList();
        Console.WriteLine($"# The last partial against the final — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine($"{clips.Count} pocketsphinx-testdata clips ({clips.Sum(c => c.Samples.Length) / 16_000.0:0.0} s), each to a fresh decoder (Debian's en-US model, the full");
        Console.WriteLine($"language model) in 100 ms pieces; the partial read after each piece; then ps_end_utt. {rounds} rounds; the");
        Console.WriteLine("finalisation time is the median over rounds of ps_end_utt + reading the hypothesis, per clip, then over clips.");
        Console.WriteLine();
        Console.WriteLine("| decoder setting | WER, last partial | WER, final | clips where the final is worse | better | finalisation, median (max) ms | decode CPU per audio s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var perClip = new List<string>();
        foreach (var (name, extra) in Settings)
        {
            var partialErrors = 0.0;
            var finalErrors = 0.0;
            int worse = 0, better = 0;
            var finalisation = new List<double>();
            var decode = TimeSpan.Zero;
            foreach (var clip in clips)
            {
                var times = new List<double>();
                (string Partial, string Final) heard = ("", "");
                for (var round = 0; round < rounds; round++)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    (heard, var endMs) = Decode(clip.Samples, extra);
                    decode += Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    times.Add(endMs);
                }

                var partialWer = WordErrors.Rate(clip.Transcript, heard.Partial);
                var finalWer = WordErrors.Rate(clip.Transcript, heard.Final);
                partialErrors += partialWer * clip.Words;
                finalErrors += finalWer * clip.Words;
                worse += finalWer > partialWer ? 1 : 0;
                better += finalWer < partialWer ? 1 : 0;
                finalisation.Add(times.Order().ElementAt(times.Count / 2));
                perClip.Add($"| {name} | {clip.Name} | {heard.Partial} | {heard.Final} | {partialWer:P0} | {finalWer:P0} |");
            }

            var words = clips.Sum(c => c.Words);
            var sorted = finalisation.Order().ToList();
            var audioSeconds = rounds * clips.Sum(c => c.Samples.Length) / 16_000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {partialErrors / words:P1} | {finalErrors / words:P1} | {worse} | {better} | {sorted[sorted.Count / 2]:0.0} ({sorted[^1]:0.0}) | {decode.TotalMilliseconds / audioSeconds:0} ms |"));
        }

        Console.WriteLine();
        Console.WriteLine("| setting | clip | last partial | final | WER partial | WER final |");
        Console.WriteLine("|---|---|---|---|---:|---:|");
        perClip.ForEach(Console.WriteLine);
        return 0;
    }

    private static unsafe ((string Partial, string Final) Heard, double EndMs) Decode(short[] samples, string[] extra)
    {
        PocketSphinxNative.SilenceLogging();
        string[] args = ["pocketsphinx", "-hmm", Model + "/en-us", "-lm", Model + "/en-us.lm.bin", "-dict", Model + "/cmudict-en-us.dict", .. extra];
        var argv = args.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        var config = PocketSphinxNative.cmd_ln_parse_r(IntPtr.Zero, PocketSphinxNative.ps_args(), argv.Length, argv, 1);
        var decoder = PocketSphinxNative.ps_init(config);
        try
        {
            PocketSphinxNative.ps_start_utt(decoder);
            var partial = "";
            fixed (short* data = samples)
            {
                for (var offset = 0; offset < samples.Length; offset += Piece)
                {
                    PocketSphinxNative.ps_process_raw(decoder, data + offset, (nuint)Math.Min(Piece, samples.Length - offset), 0, 0);
                    partial = Hypothesis(decoder) is { Length: > 0 } text ? text : partial;
                }
            }

            var started = Stopwatch.GetTimestamp();
            PocketSphinxNative.ps_end_utt(decoder);
            var final = Hypothesis(decoder);
            return ((partial, final), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            PocketSphinxNative.ps_free(decoder);
            PocketSphinxNative.cmd_ln_free_r(config);
            foreach (var arg in argv)
            {
                Marshal.FreeCoTaskMem(arg);
            }
        }
    }

    private static string Hypothesis(IntPtr decoder)
    {
        var hyp = PocketSphinxNative.ps_get_hyp(decoder, out _);
        return hyp == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(hyp) ?? "";
    }

    private sealed record Clip(string Name, short[] Samples, string Transcript)
    {
        public int Words => Transcript.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
