using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Pipeline;

/// <summary>The cascaded engine's plan: a recogniser, the AI conversation and the avatar's voice, run by a
/// <see cref="TurnPipeline"/>.</summary>
public sealed class CascadedWorkerPlan(ISpeechToText stt, IAvatarSpeech tts, IRoleplayAi ai, AudioDecoderFactory decoders, VoiceDetectors detectors, PipelineServices services)
    : TurnWorkerPlan(decoders, detectors)
{
    public const string Name = "cascaded";

    private ISpeechRecognizer? _recognizer;
    private IRoleplayConversation? _conversation;

    public override string Engine => Name;

    // A WAV whose header decides is not known yet; Opus always decodes at 48 kHz.
    public override string? WarnAbout(AudioFormat format) =>
        format.HeaderDecides || format.IsCompressed || format.SampleRate >= stt.NarrowestUsefulSampleRate
            ? null
            : $"Audio at {format.SampleRate} Hz is narrower than the speech recogniser ({stt.Name}) needs ({stt.NarrowestUsefulSampleRate} Hz or more): "
              + $"most words will be misrecognised. Send {stt.NarrowestUsefulSampleRate} Hz or more, or configure a recogniser with a narrowband model.";

    public override ClientError? ReserveRecognizer(RecognizerRequest request)
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

    public override Task<ClientError?> OpenConversationAsync(ConversationSetup setup, CancellationToken cancellationToken)
    {
        try
        {
            _conversation = ai.StartConversation(setup);
            return Task.FromResult<ClientError?>(null);
        }
        catch (AiProviderException ex)
        {
            return Task.FromResult<ClientError?>(new ClientError(ErrorCodes.AiFailed, ex.Message, ex.Retryable));
        }
    }

    private protected override Func<Task> CreateWorker(ITurnSession session, IAudioStreamDecoder decoder, SpeechGate? gate) =>
        new TurnPipeline(session, decoder,
            _recognizer ?? throw new InvalidOperationException("ReserveRecognizer first."),
            tts,
            _conversation ?? throw new InvalidOperationException("OpenConversation first."),
            gate,
            services).RunAsync;

    protected override async ValueTask ReleaseAsync()
    {
        if (_conversation is not null)
        {
            await _conversation.DisposeAsync();
        }

        if (_recognizer is not null)
        {
            await _recognizer.DisposeAsync();
        }
    }
}
