using System.Runtime.InteropServices;
using RoleplayHub.Core;

namespace RoleplayHub.Providers.Stt.PocketSphinx;

/// <summary>
/// One session's PocketSphinx decoder. Every use of the native decoder runs under <see cref="_use"/> on a decoding
/// thread, so <see cref="TryEvict"/> (called by <see cref="DecoderSlots"/> from another session's thread) can free it only
/// between utterances and never while it decodes. After an eviction the next audio loads the model again: the
/// scenario's grammar is applied again, and the speaker adaptation (cepstral mean) starts over.
/// </summary>
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
    private bool _disposed;
    private readonly object _use = new(); // a Monitor, not a Lock: TryEvict needs Monitor.TryEnter
    private long _lastUsed = owner.Time.GetTimestamp();

    public string UserId => request.UserId;

    /// <summary>When the decoder was last used (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        await owner.Workers.RunAsync(() =>
        {
            lock (_use)
            {
                Initialize();
                Touch();
                return true;
            }
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
            lock (_use)
            {
                EnsureUtterance();
                Process(MemoryMarshal.Cast<byte, short>(pcm16.Span));
                Touch();
                return ReadHypothesis(withWords: false);
            }
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
            lock (_use)
            {
                Check(PocketSphinxNative.ps_end_utt(_decoder), "ps_end_utt");
                _inUtterance = false;
                Touch();
                return ReadHypothesis(withWords: true) ?? new SpeechHypothesis("");
            }
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
        lock (_use)
        {
            _disposed = true;
            FreeNative();
        }

        owner.Slots.Release(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Frees the native decoder if it is between utterances and not in use; its slot then goes to another session.</summary>
    public bool TryEvict()
    {
        if (!Monitor.TryEnter(_use))
        {
            return false; // decoding right now
        }

        try
        {
            if (_inUtterance || _disposed)
            {
                return false;
            }

            FreeNative();
            return true;
        }
        finally
        {
            Monitor.Exit(_use);
        }
    }

    private void Touch() => Volatile.Write(ref _lastUsed, owner.Time.GetTimestamp());

    private void FreeNative()
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
        _cmn = IntPtr.Zero;
        _initialCmn = null;
    }

    private void Initialize()
    {
        if (_decoder != IntPtr.Zero)
        {
            return;
        }

        // Evicted while quiet (or never started): take a slot again first.
        if (!owner.Slots.TryTake(this))
        {
            throw owner.Busy();
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
            .. (o.SecondPass ? Array.Empty<string>() : ["-fwdflat", "no", "-bestpath", "no"]),
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
