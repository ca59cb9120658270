using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Makes the turn workers of new sessions. A worker is assembled step by step — the providers for the session's
/// language, a decoder for its format, a recogniser, a conversation — so that the caller can check its own limits in
/// between and every refusal keeps its order; see <see cref="TurnWorkerPlan"/>.
/// </summary>
public sealed class TurnWorkers(ProviderCatalog providers, IRoleplayAi ai, AudioDecoderFactory decoders, VoiceDetectors detectors, PipelineServices services)
{
    /// <summary>A plan for a session in <paramref name="language"/>, or null with the reason (no provider speaks it).</summary>
    public TurnWorkerPlan? Plan(string language, out ClientError error)
    {
        error = default;
        var stt = providers.FindSpeechToText(language, out var sttError);
        if (stt is null)
        {
            error = new ClientError(ErrorCodes.UnsupportedLanguage, sttError, false);
            return null;
        }

        var tts = providers.FindAvatarSpeech(language, out var ttsError);
        if (tts is null)
        {
            error = new ClientError(ErrorCodes.UnsupportedLanguage, ttsError, false);
            return null;
        }

        return new TurnWorkerPlan(stt, tts, ai, decoders, detectors, services);
    }
}

/// <summary>
/// One session's worker in the making. Invariant: what it has acquired (decoder, recogniser, conversation, detector) belongs
/// to it until <see cref="Start"/> hands everything to the running worker; disposed before that, it releases all of it,
/// so a session refused half-way leaks neither a decoder nor a provider's slot.
/// </summary>
public sealed class TurnWorkerPlan(ISpeechToText stt, IAvatarSpeech tts, IRoleplayAi ai, AudioDecoderFactory decoders, VoiceDetectors detectors, PipelineServices services) : IAsyncDisposable
{
    private IAudioStreamDecoder? _decoder;
    private ISpeechRecognizer? _recognizer;
    private IRoleplayConversation? _conversation;
    private SpeechGate? _gate;
    private bool _started;

    /// <summary>How the session's turns end; <see cref="TurnDetection.Off"/> until <see cref="UseTurnDetection"/>.</summary>
    public TurnDetection TurnDetection { get; private set; } = TurnDetection.Off;

    /// <summary>The turn detection the client asked for; an error when it cannot be had. Speech never lasts longer
    /// than <paramref name="maxSpeech"/> (the longest utterance).</summary>
    public ClientError? UseTurnDetection(TurnDetectionRequest? request, TimeSpan maxSpeech)
    {
        if (TurnDetection.Resolve(request, detectors, out var error) is not { } detection)
        {
            return error;
        }

        TurnDetection = detection;
        if (detection.IsServerVad && detectors.TryGet(detection.Detector!, out var kind))
        {
            var prefix = detection.PrefixPaddingMs!.Value;
            _gate = new SpeechGate(new TurnDetector(kind.Create(), detection.Threshold!.Value, prefix, detection.SilenceMs!.Value), prefix, maxSpeech,
                detection.UnfinishedSilenceMs);
        }

        return null;
    }

    /// <summary>A decoder for the session's format; an error when this server cannot decode it.</summary>
    public ClientError? UseFormat(AudioFormat format)
    {
        _decoder = decoders.Create(format, out var error);
        return _decoder is null ? new ClientError(ErrorCodes.UnsupportedAudioFormat, error, false) : null;
    }

    /// <summary>Reserves the session's recogniser; an error when the provider has none free.</summary>
    public ClientError? ReserveRecognizer(RecognizerRequest request)
    {
        try
        {
            _recognizer = stt.CreateRecognizer(request);
            return null;
        }
        catch (SpeechCapacityException ex)
        {
            return new ClientError(ErrorCodes.SttUnavailable, ex.Message, true);
        }
    }

    /// <summary>Opens the persona's side of the conversation; an error when the AI provider refuses.</summary>
    public ClientError? OpenConversation(ConversationSetup setup)
    {
        try
        {
            _conversation = ai.StartConversation(setup);
            return null;
        }
        catch (AiProviderException ex)
        {
            return new ClientError(ErrorCodes.AiFailed, ex.Message, ex.Retryable);
        }
    }

    /// <summary>Starts the worker for <paramref name="session"/> on the thread pool; returns its task.</summary>
    public Task Start(ITurnSession session)
    {
        var worker = new TurnPipeline(session,
            _decoder ?? throw new InvalidOperationException("UseFormat first."),
            _recognizer ?? throw new InvalidOperationException("ReserveRecognizer first."),
            tts,
            _conversation ?? throw new InvalidOperationException("OpenConversation first."),
            _gate,
            services);
        _started = true;
        return Task.Run(worker.RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            return; // the worker owns them now
        }

        _gate?.Dispose();
        if (_conversation is not null)
        {
            await _conversation.DisposeAsync();
        }

        if (_recognizer is not null)
        {
            await _recognizer.DisposeAsync();
        }

        if (_decoder is not null)
        {
            await _decoder.DisposeAsync();
        }
    }
}
