using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Pipeline;

/// <summary>
/// One session's worker in the making, for either engine (<see cref="CascadedWorkerPlan"/>,
/// <see cref="Realtime.RealtimeWorkerPlan"/>). A worker is assembled step by step — a decoder for the session's format,
/// its turn detection, a recogniser, a conversation — so that the caller can check its own limits in between and every
/// refusal keeps its order. Invariant: what it has acquired belongs to it until <see cref="Start"/> hands everything to
/// the running worker; disposed before that, it releases all of it, so a session refused half-way leaks neither a
/// decoder nor a provider's slot nor an upstream connection.
/// </summary>
public abstract class TurnWorkerPlan(AudioDecoderFactory decoders, VoiceDetectors detectors) : IAsyncDisposable
{
    private bool _started;

    /// <summary><c>cascaded</c>, or <c>realtime:&lt;profile&gt;</c>.</summary>
    public abstract string Engine { get; }

    /// <summary>The engine a session runs on when this one cannot open its conversation; null: the session is refused.</summary>
    public virtual string? FallbackEngine => null;

    /// <summary>How the session's turns end; <see cref="TurnDetection.Off"/> until <see cref="UseTurnDetection"/>.</summary>
    public TurnDetection TurnDetection { get; private set; } = TurnDetection.Off;

    protected IAudioStreamDecoder? Decoder { get; private set; }

    /// <summary>The server's own voice detection, when the session's turns need it.</summary>
    private protected SpeechGate? Gate { get; private set; }

    /// <summary>The turn detection the client asked for; an error when it cannot be had. Speech never lasts longer
    /// than <paramref name="maxSpeech"/> (the longest utterance).</summary>
    public ClientError? UseTurnDetection(TurnDetectionRequest? request, TimeSpan maxSpeech)
    {
        if (TurnDetection.Resolve(request, detectors, out var error) is not { } detection)
        {
            return error;
        }

        TurnDetection = detection;
        if (detection.IsServerVad && DetectsSpeechItself && detectors.TryGet(detection.Detector!, out var kind))
        {
            var prefix = detection.PrefixPaddingMs!.Value;
            Gate = new SpeechGate(new TurnDetector(kind.Create(), detection.Threshold!.Value, prefix, detection.SilenceMs!.Value), prefix, maxSpeech,
                detection.UnfinishedSilenceMs);
        }

        return null;
    }

    /// <summary>A decoder for the session's format; an error when this server cannot decode it.</summary>
    public ClientError? UseFormat(AudioFormat format)
    {
        Decoder = decoders.Create(format, out var error);
        return Decoder is null ? new ClientError(ErrorCodes.UnsupportedAudioFormat, error, false) : null;
    }

    /// <summary>What the trainee should know about the session's format before speaking (say, a rate too narrow for
    /// the recogniser); null when nothing.</summary>
    public virtual string? WarnAbout(AudioFormat format) => null;

    /// <summary>Reserves the session's recogniser; an error when the provider has none free.</summary>
    public abstract ClientError? ReserveRecognizer(RecognizerRequest request);

    /// <summary>Opens the persona's side of the conversation; an error when the provider refuses.</summary>
    public abstract Task<ClientError?> OpenConversationAsync(ConversationSetup setup, CancellationToken cancellationToken);

    /// <summary>Starts the worker for <paramref name="session"/> on the thread pool; returns its task.</summary>
    public Task Start(ITurnSession session)
    {
        var worker = CreateWorker(session, Decoder ?? throw new InvalidOperationException("UseFormat first."), Gate);
        _started = true;
        return Task.Run(worker);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            return; // the worker owns them now
        }

        Gate?.Dispose();
        await ReleaseAsync();
        if (Decoder is not null)
        {
            await Decoder.DisposeAsync();
        }
    }

    /// <summary>Server voice detection on this engine is the server's own (false: the upstream model hears speech).</summary>
    protected virtual bool DetectsSpeechItself => true;

    /// <summary>The running worker, owning the decoder, the gate and whatever this plan acquired.</summary>
    private protected abstract Func<Task> CreateWorker(ITurnSession session, IAudioStreamDecoder decoder, SpeechGate? gate);

    /// <summary>Releases what this plan acquired, when no worker took it.</summary>
    protected abstract ValueTask ReleaseAsync();
}
