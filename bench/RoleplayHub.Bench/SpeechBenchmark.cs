using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Providers.Tts.Espeak;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Bench;

/// <summary>
/// Measures the offline speech stack exactly as the service uses it: each clip is fed to a session's recogniser in
/// 1.024 s pieces (the size flush) and finalised, as a turn would be.
/// </summary>
internal static class SpeechBenchmark
{
    private const string Data = "/usr/share/pocketsphinx/test/data";

    public static async Task<int> RunAsync(string[] args)
    {
        var repeat = args.Length > 1 && args[0] == "--repeat" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"# Offline speech benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        await RecognitionAsync(repeat);
        await GrammarAsync();
        await DecoderCostAsync();
        await SynthesisAsync(repeat);
        Resampling();
        await OpusDecodingAsync();
        return 0;
    }

    private static async Task RecognitionAsync(int repeat)
    {
        Console.WriteLine("## Recognition (full en-US language model), one decoder per session, fed in 1.024 s flushes");
        Console.WriteLine();
        Console.WriteLine("| clip | seconds | reference | hypothesis (CMN reset per utterance) | WER reset | WER carried over | RTF |");
        Console.WriteLine("|---|---:|---|---|---:|---:|---:|");
        var clips = Clips().ToList();
        double refWords = 0, errorsReset = 0, errorsCarried = 0, audioSeconds = 0, cpuSeconds = 0;
        foreach (var (name, samples, reference) in clips)
        {
            var seconds = samples.Length / 16_000.0;
            var (hypothesis, elapsed) = await RecognizeAsync(samples, resetCmn: true, grammar: null, repeat);
            // Carried-over CMN: the same clip decoded as the second utterance of a session (after another clip).
            var carried = await RecognizeSecondUtteranceAsync(clips[(clips.IndexOf((name, samples, reference)) + 1) % clips.Count].Samples, samples);
            var werReset = WordErrors.Rate(reference, hypothesis);
            var werCarried = WordErrors.Rate(reference, carried);
            var words = reference.Split(' ').Length;
            refWords += words;
            errorsReset += werReset * words;
            errorsCarried += werCarried * words;
            audioSeconds += seconds;
            cpuSeconds += elapsed.TotalSeconds;
            Console.WriteLine($"| {name} | {seconds:0.00} | {reference} | {hypothesis} | {werReset:P0} | {werCarried:P0} | {elapsed.TotalSeconds / seconds:0.000} |");
        }

        Console.WriteLine($"| **all {clips.Count} clips** | {audioSeconds:0.0} | | | **{errorsReset / refWords:P1}** | **{errorsCarried / refWords:P1}** | **{cpuSeconds / audioSeconds:0.000}** |");
        Console.WriteLine();
        Console.WriteLine("RTF = decoding wall time / audio duration on one thread (median of repeats); WER = word errors / reference words.");
        Console.WriteLine();
    }

    private static async Task GrammarAsync()
    {
        Console.WriteLine("## Scenario grammar (JSGF) vs the full language model");
        Console.WriteLine();
        Console.WriteLine("| clips | grammar | WER with LM | WER with grammar | RTF with LM | RTF with grammar |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var (set, gram) in new[] { ("cards/*.wav", "cards/cards.gram"), ("goforward.raw", "goforward.gram") })
        {
            var grammar = File.ReadAllText(Path.Combine(Data, gram));
            var clips = Clips().Where(c => set.StartsWith("cards", StringComparison.Ordinal) ? c.Name.StartsWith("cards/", StringComparison.Ordinal) : c.Name == set).ToList();
            double words = 0, lmErrors = 0, gramErrors = 0, audio = 0, lmTime = 0, gramTime = 0;
            foreach (var (_, samples, reference) in clips)
            {
                var (lm, lmElapsed) = await RecognizeAsync(samples, true, null, 1);
                var (withGrammar, gramElapsed) = await RecognizeAsync(samples, true, grammar, 1);
                var n = reference.Split(' ').Length;
                words += n;
                lmErrors += WordErrors.Rate(reference, lm) * n;
                gramErrors += WordErrors.Rate(reference, withGrammar) * n;
                audio += samples.Length / 16_000.0;
                lmTime += lmElapsed.TotalSeconds;
                gramTime += gramElapsed.TotalSeconds;
            }

            Console.WriteLine($"| {set} ({clips.Count}) | {gram} | {lmErrors / words:P0} | {gramErrors / words:P0} | {lmTime / audio:0.000} | {gramTime / audio:0.000} |");
        }

        Console.WriteLine();
    }

    private static async Task DecoderCostAsync()
    {
        Console.WriteLine("## Decoder start-up and memory");
        Console.WriteLine();
        var stt = PocketSphinx(resetCmn: true, maxDecoders: 16);
        var before = new Load.ProcessSampler(Environment.ProcessId).Rss();
        var starts = new List<double>();
        var recognizers = new List<ISpeechRecognizer>();
        for (var i = 0; i < 4; i++)
        {
            var recognizer = stt.CreateRecognizer(new RecognizerRequest($"bench-{i}", $"bench-{i}", "en-US", [], null));
            var watch = Stopwatch.StartNew();
            await recognizer.StartAsync(default);
            starts.Add(watch.Elapsed.TotalMilliseconds);
            recognizers.Add(recognizer);
        }

        var after = new Load.ProcessSampler(Environment.ProcessId).Rss();
        foreach (var recognizer in recognizers)
        {
            await recognizer.DisposeAsync();
        }

        var freed = new Load.ProcessSampler(Environment.ProcessId).Rss();
        Console.WriteLine("| decoders | start-up per decoder (ms, median) | RSS growth per decoder | RSS kept after freeing all |");
        Console.WriteLine("|---:|---:|---:|---:|");
        Console.WriteLine($"| 4 | {Median(starts):0} | {(after - before) / 4 / 1024.0 / 1024:0.0} MB | {(freed - before) / 1024.0 / 1024:0.0} MB |");
        Console.WriteLine();
    }

    private static async Task SynthesisAsync(int repeat)
    {
        Console.WriteLine("## Avatar speech (espeak-ng, in process)");
        Console.WriteLine();
        var tts = new EspeakAvatarSpeech(NullLogger<EspeakAvatarSpeech>.Instance);
        string[] english =
        [
            "Hello, I'm Linda Park from procurement.",
            "Your price is about twenty percent above what we budgeted, and that's a problem for me.",
            "Send me the proposal with the payment plan and I'll recommend it to my director next week.",
        ];
        string[] chinese = ["你好，我是采购部的李薇。", "你们的价格比我们的预算高了大约百分之二十。"];
        Console.WriteLine("| language | sentence chars | audio ms | synthesis ms (median) | visemes | real-time factor |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (language, sentences) in new[] { ("en-US", english), ("zh-CN", chinese) })
        {
            foreach (var sentence in sentences)
            {
                var times = new List<double>();
                AvatarClip? last = null;
                for (var i = 0; i < repeat + 1; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var clip = await tts.SynthesizeAsync(new SpeechRequest(sentence, language, new PersonaVoice()), default);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    last?.Dispose();
                    last = clip;
                }

                var ms = Median(times.Skip(1).ToList());
                Console.WriteLine($"| {language} | {sentence.Length} | {last!.Duration.TotalMilliseconds:0} | {ms:0.0} | {last.Visemes?.Count} | {ms / last.Duration.TotalMilliseconds:0.0000} |");
                last.Dispose();
            }
        }

        Console.WriteLine();
    }

    private static void Resampling()
    {
        Console.WriteLine("## Resampling to 16 kHz (polyphase, 48 taps per phase), cost per second of audio, one thread");
        Console.WriteLine();
        Console.WriteLine("| input | in 250 ms chunks: µs per audio second | allocations per chunk |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (rate, channels) in new[] { (8_000, 1), (24_000, 1), (44_100, 2), (48_000, 1), (48_000, 2) })
        {
            var decoder = new Pcm16StreamDecoder(rate, channels);
            var chunk = new byte[rate * channels * 2 / 4];
            new Random(1).NextBytes(chunk);
            using var output = new PcmBuffer(65_536);
            for (var i = 0; i < 40; i++)
            {
                decoder.Decode(chunk, output);
                output.Clear();
            }

            const int Chunks = 400;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Chunks; i++)
            {
                decoder.Decode(chunk, output);
                output.Clear();
            }

            var perSecond = watch.Elapsed.TotalMilliseconds * 1000 / (Chunks / 4.0);
            var bytesPerChunk = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)Chunks;
            Console.WriteLine($"| pcm16 {rate / 1000.0:0.#} kHz {(channels == 2 ? "stereo" : "mono")} | {perSecond:0} | {bytesPerChunk:0} B |");
        }

        Console.WriteLine();
    }

    private static async Task OpusDecodingAsync()
    {
        Console.WriteLine("## WebM/Opus decoding (one streaming ffmpeg process per session)");
        Console.WriteLine();
        var wav = Path.Combine(Data, "librivox/sense_and_sensibility_01_austen_64kb-0870.wav");
        var webm = FfmpegTool.Convert(wav, "-c:a", "libopus", "-b:a", "32k", "-f", "webm");
        var seconds = 113_600 / 16_000.0;
        var cpuBefore = Load.ProcessSampler.ChildCpuMs();
        var watch = Stopwatch.StartNew();
        var firstPcm = TimeSpan.Zero;
        int samples;
        await using (var decoder = new FfmpegStreamDecoder(AudioEncoding.WebmOpus, new FfmpegOptions()))
        {
            // 1 KB chunks 20 ms apart: incremental like MediaRecorder timeslices, polled finely enough to time the first PCM.
            using var output = new PcmBuffer();
            for (var i = 0; i < webm.Length; i += 1_000)
            {
                await decoder.DecodeAsync(webm.AsMemory(i, Math.Min(1_000, webm.Length - i)), output, default);
                if (firstPcm == TimeSpan.Zero && output.Count > 0)
                {
                    firstPcm = watch.Elapsed;
                }

                await Task.Delay(20);
            }

            var endStart = watch.Elapsed;
            await decoder.EndUtteranceAsync(output, default);
            var settle = watch.Elapsed - endStart;
            samples = output.Count;
            await decoder.DisposeAsync();
            Console.WriteLine("| clip | audio s | samples out / expected | first PCM after the first chunk | end-of-utterance settle | ffmpeg CPU ms per audio second |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| librivox 0870 (32 kbit/s, 1 KB chunks) | {seconds:0.00} | {samples} / 113600 | ≤ {firstPcm.TotalMilliseconds:0} ms | {settle.TotalMilliseconds:0} ms | {(Load.ProcessSampler.ChildCpuMs() - cpuBefore) / seconds:0.0} |");
        }

        Console.WriteLine();
    }

    private static async Task<(string Hypothesis, TimeSpan Elapsed)> RecognizeAsync(short[] samples, bool resetCmn, string? grammar, int repeat)
    {
        var stt = PocketSphinx(resetCmn, 4);
        var times = new List<double>();
        var text = "";
        for (var i = 0; i < Math.Max(1, repeat); i++)
        {
            await using var recognizer = stt.CreateRecognizer(new RecognizerRequest("bench", "bench", "en-US", [], grammar));
            await recognizer.StartAsync(default);
            var watch = Stopwatch.StartNew();
            text = await DecodeUtteranceAsync(recognizer, samples);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (text, TimeSpan.FromMilliseconds(Median(times)));
    }

    private static async Task<string> RecognizeSecondUtteranceAsync(short[] first, short[] second)
    {
        var stt = PocketSphinx(resetCmn: false, 4);
        await using var recognizer = stt.CreateRecognizer(new RecognizerRequest("bench", "bench", "en-US", [], null));
        await recognizer.StartAsync(default);
        await DecodeUtteranceAsync(recognizer, first);
        return await DecodeUtteranceAsync(recognizer, second);
    }

    private static async Task<string> DecodeUtteranceAsync(ISpeechRecognizer recognizer, short[] samples)
    {
        var bytes = MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
        for (var offset = 0; offset < bytes.Length; offset += 32_768)
        {
            await recognizer.AcceptAsync(bytes.AsMemory(offset, Math.Min(32_768, bytes.Length - offset)), default);
        }

        return (await recognizer.EndUtteranceAsync(default)).Text;
    }

    private static PocketSphinxSpeechToText PocketSphinx(bool resetCmn, int maxDecoders) =>
        new(Options.Create(new PocketSphinxOptions { ResetCmnPerUtterance = resetCmn, MaxDecoders = maxDecoders, MaxParallelDecodes = 1 }), TimeProvider.System,
            NullLogger<PocketSphinxSpeechToText>.Instance);

    private static IEnumerable<(string Name, short[] Samples, string Reference)> Clips()
    {
        foreach (var line in File.ReadAllLines(Path.Combine(Data, "librivox/transcription")))
        {
            var id = line[(line.LastIndexOf('(') + 1)..^1];
            yield return ("librivox/" + id[^4..], Wav(Path.Combine(Data, "librivox", id + ".wav")), Words(line));
        }

        foreach (var line in File.ReadAllLines(Path.Combine(Data, "cards/cards.transcription")))
        {
            var id = line[(line.LastIndexOf('(') + 1)..^1];
            yield return ("cards/" + id, Wav(Path.Combine(Data, "cards", id + ".wav")), Words(line));
        }

        yield return ("goforward.raw", Raw(Path.Combine(Data, "goforward.raw")), "go forward ten meters");
    }

    private static string Words(string transcriptionLine) =>
        string.Join(' ', transcriptionLine[..transcriptionLine.LastIndexOf('(')].Replace("<s>", "", StringComparison.Ordinal).Replace("</s>", "", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static short[] Wav(string path)
    {
        var (format, samples) = WavFile.ReadPcm16(path);
        return format is { SampleRate: 16_000, Channels: 1 } ? samples : throw new InvalidDataException($"{path} is {format}, not 16 kHz mono.");
    }

    private static short[] Raw(string path) => MemoryMarshal.Cast<byte, short>(File.ReadAllBytes(path).AsSpan()).ToArray();

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
