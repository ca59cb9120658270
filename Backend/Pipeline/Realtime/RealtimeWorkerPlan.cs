using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.OpenAi;
using RoleplayHub.Providers.Realtime;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Pipeline.Realtime;

/// <summary>
/// A realtime engine's plan (<c>realtime:&lt;profile&gt;</c>): no recogniser and no voice of ours — the model hears the
/// audio and speaks — but the same decoder, and the server's own voice detection only for vendors that expect the
/// client to detect speech (GLM). The upstream conversation is opened during <c>start-session</c>, so a refused key or
/// an unreachable vendor refuses the session with the vendor's reason.
/// </summary>
public sealed class RealtimeWorkerPlan(IRealtimeModels models, string profile, AudioDecoderFactory decoders, VoiceDetectors detectors, PipelineServices services)
    : TurnWorkerPlan(decoders, detectors)
{
    private IRealtimeConnection? _connection;
    private RealtimeSessionSetup? _setup;

    public override string Engine => TurnEngine.RealtimePrefix + profile;

    public override string? FallbackEngine => models.FallsBackToCascaded(profile) ? CascadedWorkerPlan.Name : null;

    private bool VendorDetectsSpeech => models.VendorDetectsSpeech(profile);

    protected override bool DetectsSpeechItself => !VendorDetectsSpeech;

    /// <summary>The model hears the audio itself: nothing to reserve.</summary>
    public override ClientError? ReserveRecognizer(RecognizerRequest request) => null;

    public override async Task<ClientError?> OpenConversationAsync(ConversationSetup setup, CancellationToken cancellationToken)
    {
        var detection = TurnDetection;
        var turns = detection.IsServerVad && VendorDetectsSpeech
            // semantic-vad's word judge needs our recogniser; a vendor VAD gets OpenAI's fixed silence instead.
            ? RealtimeTurnDetection.ServerVad(prefixPaddingMs: detection.PrefixPaddingMs!.Value,
                silenceMs: detection.IsSemantic ? TurnDetection.DefaultSilenceMs : detection.SilenceMs!.Value)
            : RealtimeTurnDetection.Manual;
        var variant = setup.Variant;
        _setup = new RealtimeSessionSetup(new ChatPrompt(variant, 0, 0).Instructions(setup.Scenario.MaxTurns), variant.Language, null, turns,
            [new RealtimeHistoryItem(RealtimeRole.Assistant, variant.OpeningLine)]);
        try
        {
            _connection = await models.ConnectAsync(profile, _setup, cancellationToken);
            return null;
        }
        catch (RealtimeProviderException ex)
        {
            services.Logger.LogWarning("Realtime profile {Profile} refused a session: {Code} {Message}", profile, ex.Code, ex.Message);
            return new ClientError(ex.Code, ex.Message, ex.Retryable);
        }
    }

    private protected override Func<Task> CreateWorker(ITurnSession session, IAudioStreamDecoder decoder, SpeechGate? gate) =>
        new RealtimeTurnWorker(session, decoder, gate,
            new RealtimeLink(models, profile, _setup ?? throw new InvalidOperationException("OpenConversation first."), _connection!),
            services).RunAsync;

    protected override async ValueTask ReleaseAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
