using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Hubs.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>
/// Offline English recognition with PocketSphinx, in process. Each session gets its own decoder (decoders are
/// not thread-safe and keep state between utterances), created on the session's worker and freed when the session
/// ends. Decoding is CPU-bound, so it runs on <see cref="PocketSphinxOptions.MaxParallelDecodes"/> dedicated threads,
/// never on the thread pool that carries the connections.
/// </summary>
public sealed class PocketSphinxSpeechToText : ISpeechToText, IHealthCheck, IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly ILogger<PocketSphinxSpeechToText> _logger;
    private int _decoders;

    public PocketSphinxSpeechToText(IOptions<PocketSphinxOptions> options, ILogger<PocketSphinxSpeechToText> logger)
    {
        _options = options.Value;
        _logger = logger;
        var parallel = _options.MaxParallelDecodes > 0 ? _options.MaxParallelDecodes : Environment.ProcessorCount;
        Workers = new DedicatedWorkers("pocketsphinx", parallel);
    }

    public string Name => "pocketsphinx";

    public IReadOnlyCollection<string> Languages { get; } = ["en-US"];

    public int ActiveDecoders => Volatile.Read(ref _decoders);

    public int MaxDecoders => _options.MaxDecoders;

    internal DedicatedWorkers Workers { get; }

    internal PocketSphinxOptions Options => _options;

    internal ILogger Logger => _logger;

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        if (Interlocked.Increment(ref _decoders) > _options.MaxDecoders)
        {
            Interlocked.Decrement(ref _decoders);
            throw new SpeechCapacityException(
                $"All {_options.MaxDecoders} PocketSphinx decoders are in use (Stt:PocketSphinx:MaxDecoders); try again when a session ends.");
        }

        return new PocketSphinxRecognizer(this, request);
    }

    internal void ReleaseDecoderSlot() => Interlocked.Decrement(ref _decoders);

    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Readiness.From(CheckReady()));

    /// <summary>Readiness: the native library loads and the model files exist.</summary>
    public string? CheckReady()
    {
        foreach (var path in new[] { _options.Path(_options.AcousticModel), _options.Path(_options.LanguageModel), _options.Path(_options.Dictionary) })
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return $"PocketSphinx model file {path} is missing (apt-get install pocketsphinx-en-us).";
            }
        }

        try
        {
            PocketSphinxNative.SilenceLogging();
            return PocketSphinxNative.ps_args() == IntPtr.Zero ? "libpocketsphinx returned no argument table." : null;
        }
        catch (DllNotFoundException ex)
        {
            return $"libpocketsphinx.so.3 cannot be loaded (apt-get install libpocketsphinx3): {ex.Message}";
        }
    }

    public void Dispose() => Workers.Dispose();
}

/// <summary>One session's PocketSphinx decoder.</summary>
internal sealed class PocketSphinxRecognizer(PocketSphinxSpeechToText owner, RecognizerRequest request) : ISpeechRecognizer
{
    private const string GrammarSearch = "scenario";
    private const int MaxSamplesPerCall = 4_000; // feed in 250 ms pieces so partial hypotheses stay fresh

    private IntPtr _config;
    private IntPtr _decoder;
    private IntPtr[] _argv = [];
    private IntPtr _cmn;
    private float[]? _initialCmn;
    private bool _inUtterance;
    private bool _released;

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        await owner.Workers.RunAsync(() =>
        {
            Initialize();
            return true;
        }, cancellationToken);
    }

    public async ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (pcm16.Length < 2)
        {
            return null;
        }

        return await owner.Workers.RunAsync(() =>
        {
            EnsureUtterance();
            Process(MemoryMarshal.Cast<byte, short>(pcm16.Span));
            return ReadHypothesis(withWords: false);
        }, cancellationToken);
    }

    public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
    {
        if (!_inUtterance)
        {
            return new SpeechHypothesis("");
        }

        return await owner.Workers.RunAsync(() =>
        {
            Check(PocketSphinxNative.ps_end_utt(_decoder), "ps_end_utt");
            _inUtterance = false;
            return ReadHypothesis(withWords: true) ?? new SpeechHypothesis("");
        }, cancellationToken);
    }

    public async ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
    {
        if (_inUtterance)
        {
            await EndUtteranceAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_decoder != IntPtr.Zero)
        {
            PocketSphinxNative.ps_free(_decoder);
            _decoder = IntPtr.Zero;
        }

        if (_config != IntPtr.Zero)
        {
            PocketSphinxNative.cmd_ln_free_r(_config);
            _config = IntPtr.Zero;
        }

        foreach (var arg in _argv)
        {
            Marshal.FreeCoTaskMem(arg);
        }

        _argv = [];
        if (!_released)
        {
            _released = true;
            owner.ReleaseDecoderSlot();
        }

        return ValueTask.CompletedTask;
    }

    private void Initialize()
    {
        if (_decoder != IntPtr.Zero)
        {
            return;
        }

        var o = owner.Options;
        if (!string.Equals(request.Language, "en-US", StringComparison.OrdinalIgnoreCase))
        {
            throw new SpeechRecognitionException($"PocketSphinx has an en-US model only; {request.Language} was requested.", retryable: false);
        }

        PocketSphinxNative.SilenceLogging();

        // cmd_ln keeps pointers into argv for the config's lifetime, so the strings live until DisposeAsync.
        string[] args =
        [
            "pocketsphinx",
            "-hmm", o.Path(o.AcousticModel),
            "-lm", o.Path(o.LanguageModel),
            "-dict", o.Path(o.Dictionary),
        ];
        _argv = [.. args.Select(Marshal.StringToCoTaskMemUTF8)];
        _config = PocketSphinxNative.cmd_ln_parse_r(IntPtr.Zero, PocketSphinxNative.ps_args(), _argv.Length, _argv, 1);
        if (_config == IntPtr.Zero)
        {
            throw new SpeechRecognitionException("PocketSphinx rejected its configuration (check Stt:PocketSphinx model paths).", retryable: false);
        }

        _decoder = PocketSphinxNative.ps_init(_config);
        if (_decoder == IntPtr.Zero)
        {
            throw new SpeechRecognitionException($"PocketSphinx could not load its model from {o.ModelDirectory}.", retryable: false);
        }

        if (!string.IsNullOrWhiteSpace(request.Grammar))
        {
            if (PocketSphinxNative.ps_set_jsgf_string(_decoder, GrammarSearch, request.Grammar) != 0
                || PocketSphinxNative.ps_set_search(_decoder, GrammarSearch) != 0)
            {
                owner.Logger.LogWarning("Session {SessionId}: the scenario's JSGF grammar was rejected; using the language model", request.SessionId);
            }
        }

        if (o.ResetCmnPerUtterance)
        {
            var feat = PocketSphinxNative.ps_get_feat(_decoder);
            _cmn = feat == IntPtr.Zero ? IntPtr.Zero : Marshal.ReadIntPtr(feat, PocketSphinxNative.FeatCmnStructOffset);
            if (_cmn != IntPtr.Zero)
            {
                _initialCmn = new float[PocketSphinxNative.CepstrumLength];
                PocketSphinxNative.cmn_live_get(_cmn, _initialCmn);
            }
        }
    }

    private void EnsureUtterance()
    {
        Initialize();
        if (_inUtterance)
        {
            return;
        }

        if (_initialCmn is not null)
        {
            PocketSphinxNative.cmn_live_set(_cmn, _initialCmn);
        }

        Check(PocketSphinxNative.ps_start_utt(_decoder), "ps_start_utt");
        _inUtterance = true;
    }

    private unsafe void Process(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty)
        {
            var piece = samples[..Math.Min(samples.Length, MaxSamplesPerCall)];
            fixed (short* data = piece)
            {
                if (PocketSphinxNative.ps_process_raw(_decoder, data, (nuint)piece.Length, 0, 0) < 0)
                {
                    throw new SpeechRecognitionException("PocketSphinx failed to process the audio.", retryable: false);
                }
            }

            samples = samples[piece.Length..];
        }
    }

    private SpeechHypothesis? ReadHypothesis(bool withWords)
    {
        var hyp = PocketSphinxNative.ps_get_hyp(_decoder, out _);
        var text = hyp == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(hyp) ?? "";
        if (!withWords)
        {
            return text.Length == 0 ? null : new SpeechHypothesis(text);
        }

        // Segment frames keep counting across utterances of one decoder: rebase on the first segment (<s>), which
        // starts at the utterance's first frame. Frames are 10 ms.
        var words = new List<WordTiming>();
        var origin = -1;
        for (var seg = PocketSphinxNative.ps_seg_iter(_decoder); seg != IntPtr.Zero; seg = PocketSphinxNative.ps_seg_next(seg))
        {
            var word = Marshal.PtrToStringUTF8(PocketSphinxNative.ps_seg_word(seg)) ?? "";
            PocketSphinxNative.ps_seg_frames(seg, out var start, out var end);
            if (origin < 0)
            {
                origin = start;
            }

            if (IsFiller(word))
            {
                continue;
            }

            words.Add(new WordTiming(StripAlternate(word), (start - origin) * 10, ((end - origin) + 1) * 10));
        }

        return new SpeechHypothesis(text, words);
    }

    // <s>, </s>, <sil>, [NOISE], ++GARBAGE++ … carry no words.
    private static bool IsFiller(string word) => word.Length == 0 || word[0] is '<' or '[' or '+';

    // Dictionary alternates are spelled "word(2)".
    private static string StripAlternate(string word)
    {
        var paren = word.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? word[..paren] : word;
    }

    private static void Check(int result, string call)
    {
        if (result < 0)
        {
            throw new SpeechRecognitionException($"PocketSphinx {call} failed ({result}).", retryable: false);
        }
    }
}
