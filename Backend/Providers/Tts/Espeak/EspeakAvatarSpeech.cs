using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Health;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Tts.Espeak;

/// <summary>
/// Offline avatar speech with espeak-ng, in process: WAV audio in the persona's voice plus a viseme track built from
/// the phoneme events espeak reports with their audio positions. The library has process-wide state, so calls are
/// serialised; a reply takes a few milliseconds.
/// </summary>
public sealed class EspeakAvatarSpeech(ILogger<EspeakAvatarSpeech> logger) : IAvatarSpeech, IHealthCheck
{
    // espeak-ng has one voice, one callback and one output per process: every instance shares this gate.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Synthesis? s_current; // the synthesis the callback writes into (calls are serialised)
    private static int s_sampleRate;

    public string Name => ProviderNames.Espeak;

    public bool Supports(string language) => VoiceFor(language, new PersonaVoice()) is not null;

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        var voice = VoiceFor(request.Language, request.Voice)
            ?? throw new SpeechSynthesisException($"espeak-ng has no voice configured for {request.Language}.", retryable: false);
        await Gate.WaitAsync(cancellationToken);
        var synthesis = new Synthesis(request.Text);
        try
        {
            EnsureInitialized();
            Check(EspeakNative.espeak_SetVoiceByName(voice), $"voice '{voice}'");
            EspeakNative.espeak_SetParameter(EspeakNative.ParameterRate, Math.Clamp(request.Voice.Rate ?? 165, 80, 450), 0);
            EspeakNative.espeak_SetParameter(EspeakNative.ParameterPitch, Math.Clamp(request.Voice.Pitch ?? 50, 0, 100), 0);

            s_current = synthesis;
            Synthesize(request.Text);
        }
        catch
        {
            synthesis.Dispose();
            throw;
        }
        finally
        {
            s_current = null;
            Gate.Release();
        }

        return synthesis.ToClip(s_sampleRate);
    }

    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Readiness.From(CheckReady()));

    /// <summary>Readiness: the library loads and initialises.</summary>
    public string? CheckReady()
    {
        try
        {
            Gate.Wait();
            try
            {
                EnsureInitialized();
                return null;
            }
            finally
            {
                Gate.Release();
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or SpeechSynthesisException)
        {
            return $"espeak-ng is not usable (apt-get install libespeak-ng1 espeak-ng-data): {ex.Message}";
        }
    }

    /// <summary>The espeak voice for a persona: its own <c>espeak</c> id, else a default by language and gender.</summary>
    internal static string? VoiceFor(string language, PersonaVoice voice)
    {
        if (voice.For(ProviderNames.Espeak) is { } own && !string.IsNullOrWhiteSpace(own))
        {
            return own;
        }

        var variant = string.Equals(voice.Gender, "male", StringComparison.OrdinalIgnoreCase) ? "+m3" : "+f3";
        return language.ToLowerInvariant() switch
        {
            "en-us" => "en-us" + variant,
            "en-gb" => "en-gb" + variant,
            "en" => "en-us" + variant,
            // espeak-ng's plain "cmn" voice reads pinyin as English in Debian 1.51; the pinyin voice is correct.
            "zh-cn" or "zh" or "cmn" => "cmn-latn-pinyin" + variant,
            _ => null,
        };
    }

    private static unsafe void Synthesize(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text + "\0");
        fixed (byte* bytes = utf8)
        {
            Check(EspeakNative.espeak_Synth(bytes, (nuint)utf8.Length, 0, EspeakNative.PositionCharacter, 0,
                EspeakNative.CharsUtf8 | EspeakNative.EndPause, null, null), "synthesis");
        }

        EspeakNative.espeak_Synchronize();
    }

    private unsafe void EnsureInitialized()
    {
        if (s_sampleRate > 0)
        {
            return;
        }

        var rate = EspeakNative.espeak_Initialize(EspeakNative.AudioOutputSynchronous, 0, null,
            EspeakNative.InitializePhonemeEvents | EspeakNative.InitializePhonemeIpa | EspeakNative.InitializeDontExit);
        if (rate <= 0)
        {
            throw new SpeechSynthesisException("espeak-ng failed to initialise (is espeak-ng-data installed?).", retryable: false);
        }

        EspeakNative.espeak_SetSynthCallback(&OnSynth);
        s_sampleRate = rate;
        logger.LogInformation("espeak-ng initialised at {SampleRate} Hz", rate);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnSynth(short* wav, int samples, EspeakEvent* events)
    {
        var synthesis = s_current;
        if (synthesis is null)
        {
            return 1; // abort: nobody is listening
        }

        if (wav is not null && samples > 0)
        {
            synthesis.Audio.Write(new ReadOnlySpan<short>(wav, samples));
        }

        for (var e = events; e is not null && e->Type != EspeakNative.EventListTerminated; e++)
        {
            if (e->Type == EspeakNative.EventPhoneme)
            {
                var name = Marshal.PtrToStringUTF8((IntPtr)e->Id, IndexOfZero(e->Id, 8));
                synthesis.Visemes.Add(new VisemeCue(e->AudioPositionMs, Visemes.FromIpa(name)));
            }
            else if (e->Type == EspeakNative.EventWord)
            {
                synthesis.WordStarts.Add((e->TextPosition, e->Length, e->AudioPositionMs));
            }
        }

        return 0;
    }

    private static unsafe int IndexOfZero(byte* bytes, int max)
    {
        for (var i = 0; i < max; i++)
        {
            if (bytes[i] == 0)
            {
                return i;
            }
        }

        return max;
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new SpeechSynthesisException($"espeak-ng failed ({what}, error {result}).", retryable: false);
        }
    }

    /// <summary>Collects one synthesis; its PCM lives in pooled memory until the clip is disposed.</summary>
    private sealed class Synthesis(string text) : IDisposable
    {
        public PcmBuffer Audio { get; } = new(32_768);

        public List<VisemeCue> Visemes { get; } = [];

        /// <summary>espeak-ng's word events: 1-based character position and length in the text, and where the word
        /// starts in the audio.</summary>
        public List<(int Position, int Length, int AudioMs)> WordStarts { get; } = [];

        public AvatarClip ToClip(int sampleRate)
        {
            var samples = Audio.Samples;
            var file = ArrayPool<byte>.Shared.Rent(WavFile.HeaderSize + (samples.Length * 2));
            var size = WavFile.Write(file, MemoryMarshal.AsBytes(samples), WavFile.Pcm16(sampleRate));
            var duration = TimeSpan.FromSeconds((double)samples.Length / sampleRate);
            var visemes = Espeak.Visemes.Compact(Visemes, (int)duration.TotalMilliseconds);
            var words = Words((int)duration.TotalMilliseconds);
            Dispose();
            return new AvatarClip(file.AsMemory(0, size), "audio/wav", "wav", duration, visemes, owner: new PooledArray(file), words: words);
        }

        /// <summary>The word events as timings, each word ending where the next begins (the last at the clip's end).</summary>
        private List<WordTiming> Words(int durationMs)
        {
            var words = new List<WordTiming>(WordStarts.Count);
            for (var i = 0; i < WordStarts.Count; i++)
            {
                var (position, length, start) = WordStarts[i];
                var from = Math.Clamp(position - 1, 0, text.Length);
                var word = text.Substring(from, Math.Clamp(length, 0, text.Length - from));
                var end = i + 1 < WordStarts.Count ? WordStarts[i + 1].AudioMs : durationMs;
                words.Add(new WordTiming(word, start, Math.Max(start, end)));
            }

            return words;
        }

        public void Dispose() => Audio.Dispose();
    }

    private sealed class PooledArray(byte[] array) : IDisposable
    {
        private byte[]? _array = array;

        public void Dispose()
        {
            var array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
