using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Pipeline.Realtime;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Realtime;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Scenarios;

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
    PipelineServices services) : ILanguageSupport
{
    /// <summary>A plan for a session of <paramref name="scenarioId"/> in <paramref name="language"/> on
    /// <paramref name="engine"/> (null: the configured one), or null with the reason it cannot run.</summary>
    public TurnWorkerPlan? Plan(string scenarioId, string language, string? engine, out ClientError error)
    {
        if (!Choose(scenarioId, language, engine, out var choice, out error))
        {
            return null;
        }

        return choice.Realtime is { } profile
            ? new RealtimeWorkerPlan(realtime, profile, decoders, detectors, services)
            : new CascadedWorkerPlan(choice.Stt!, choice.Tts!, ai, decoders, detectors, services);
    }

    /// <summary>Whether a session of the scenario in the language would start on its configured engine now: the same
    /// choice <see cref="Plan"/> makes, so the catalog API and start-session never disagree. A realtime model hears
    /// and speaks the language itself; the cascaded engine needs a recogniser and a voice for it.</summary>
    public LanguageSupport Check(string scenarioId, string language) =>
        Choose(scenarioId, language, null, out _, out var error) ? LanguageSupport.Runs : new LanguageSupport(false, error.Message);

    private bool Choose(string scenarioId, string language, string? engine, out EngineChoice choice, out ClientError error)
    {
        choice = default;
        error = default;
        var chosen = engine ?? (engines.Value.ByScenario.TryGetValue(scenarioId, out var byScenario) ? byScenario : engines.Value.Default);
        if (!TurnEngine.TryParse(chosen, realtime, out var profile, out var why))
        {
            error = new ClientError(ErrorCodes.UnsupportedEngine, why, false);
            return false;
        }

        if (profile is not null)
        {
            choice = new EngineChoice(profile, null, null);
            return true;
        }

        var stt = providers.FindSpeechToText(language, out var sttError);
        if (stt is null)
        {
            error = new ClientError(ErrorCodes.UnsupportedLanguage, sttError, false);
            return false;
        }

        var tts = providers.FindAvatarSpeech(language, out var ttsError);
        if (tts is null)
        {
            error = new ClientError(ErrorCodes.UnsupportedLanguage, ttsError, false);
            return false;
        }

        choice = new EngineChoice(null, stt, tts);
        return true;
    }

    private readonly record struct EngineChoice(string? Realtime, ISpeechToText? Stt, IAvatarSpeech? Tts);
}
