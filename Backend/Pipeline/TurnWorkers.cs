using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Pipeline.Realtime;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Makes the turn workers of new sessions: the engine the session asks for (or its scenario's, or the default), and for
/// the cascaded engine the providers for the session's language. See <see cref="TurnWorkerPlan"/>.
/// </summary>
public sealed class TurnWorkers(
    ProviderCatalog providers,
    IRoleplayAi ai,
    IRealtimeModels realtime,
    AudioDecoderFactory decoders,
    VoiceDetectors detectors,
    IOptions<EngineOptions> engines,
    PipelineServices services)
{
    /// <summary>A plan for a session of <paramref name="scenarioId"/> in <paramref name="language"/> on
    /// <paramref name="engine"/> (null: the configured one), or null with the reason it cannot run.</summary>
    public TurnWorkerPlan? Plan(string scenarioId, string language, string? engine, out ClientError error)
    {
        error = default;
        var chosen = engine ?? (engines.Value.ByScenario.TryGetValue(scenarioId, out var byScenario) ? byScenario : engines.Value.Default);
        if (!TurnEngine.TryParse(chosen, realtime, out var profile, out var why))
        {
            error = new ClientError(ErrorCodes.UnsupportedEngine, why, false);
            return null;
        }

        if (profile is not null)
        {
            return new RealtimeWorkerPlan(realtime, profile, decoders, detectors, services);
        }

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

        return new CascadedWorkerPlan(stt, tts, ai, decoders, detectors, services);
    }
}
