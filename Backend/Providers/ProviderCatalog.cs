using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Fallback;
using RoleplayHub.Providers.Faults;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Providers;

/// <summary>
/// Every registered speech-to-text, avatar-speech and roleplay-AI provider by its name (<see cref="ProviderNames"/>),
/// and the one place that chooses among them from configuration: a speech provider per language (<c>Stt:Provider</c>,
/// <c>Stt:ByLanguage:*</c>, <c>Tts:*</c>), the AI (<c>Ai:Provider</c>), and a cloud provider's offline fallback
/// (<c>Stt:Fallback</c>, <c>Tts:Fallback</c>), looked up once when the catalog is made. When no configured provider
/// speaks a language, the error says precisely what to configure. With fault injection on (<c>Faults:Rate</c>) the
/// avatar voices (but the fallback) and the AI are put behind their faulty wrappers, inside any fallback.
/// </summary>
public sealed class ProviderCatalog
{
    private readonly List<ISpeechToText> _stt;
    private readonly List<IAvatarSpeech> _tts;
    private readonly List<RoleplayAiRegistration> _ai;
    private readonly SttProviderOptions _sttOptions;
    private readonly TtsProviderOptions _ttsOptions;
    private readonly Lazy<IRoleplayAi> _roleplayAi;

    public ProviderCatalog(
        IEnumerable<ISpeechToText> speechToText,
        IEnumerable<IAvatarSpeech> avatarSpeech,
        IEnumerable<RoleplayAiRegistration> roleplayAi,
        IOptions<SttProviderOptions> stt,
        IOptions<TtsProviderOptions> tts,
        IOptions<AiOptions> ai,
        TimeProvider time,
        ILoggerFactory loggers,
        FaultInjector? faults = null)
    {
        _sttOptions = stt.Value;
        _ttsOptions = tts.Value;
        _stt = OutageFallbacks.Apply(WithFaults(speechToText, p => p.Name, "stt", _sttOptions, faults, FaultySpeechToText.Wrap), _sttOptions, time, loggers);
        _tts = OutageFallbacks.Apply(WithFaults(avatarSpeech, p => p.Name, "tts", _ttsOptions, faults, FaultyAvatarSpeech.Wrap), _ttsOptions, time, loggers);
        _ai = roleplayAi.ToList();
        var aiProvider = ai.Value.Provider;
        _roleplayAi = new Lazy<IRoleplayAi>(() => faults?.Covers("ai") == true ? new FaultyRoleplayAi(CreateRoleplayAi(aiProvider), faults) : CreateRoleplayAi(aiProvider));
    }

    // Faults go in front of every provider of a stage under injection but its offline fallback, so a trial sees the
    // fallback chain work.
    private static List<T> WithFaults<T>(IEnumerable<T> providers, Func<T, string> name, string stage, SpeechStageOptions options,
        FaultInjector? faults, Func<T, FaultInjector, T> wrap) =>
        [.. providers.Select(p => faults?.Covers(stage) == true && !string.Equals(name(p), options.Fallback, StringComparison.OrdinalIgnoreCase) ? wrap(p, faults) : p)];

    /// <summary>The speech-to-text providers as sessions get them (a cloud provider behind its fallback, if any).</summary>
    public IReadOnlyList<ISpeechToText> SpeechToText => _stt;

    /// <summary>The avatar-speech providers as sessions get them (a cloud voice behind its fallback, if any).</summary>
    public IReadOnlyList<IAvatarSpeech> AvatarSpeech => _tts;

    public IEnumerable<string> RoleplayAiNames => _ai.Select(r => r.Name);

    /// <summary>The configured AI (<c>Ai:Provider</c>), created the first time it is asked for; the others never are.</summary>
    public IRoleplayAi RoleplayAi => _roleplayAi.Value;

    public ISpeechToText? FindSpeechToText(string language, out string error)
    {
        error = "";
        var name = _sttOptions.ByLanguage.GetValueOrDefault(language) ?? _sttOptions.Provider;
        var configured = _stt.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (configured is not null && configured.Languages.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            return configured;
        }

        var able = _stt.Where(p => p.Languages.Contains(language, StringComparer.OrdinalIgnoreCase)).Select(p => p.Name).ToList();
        error = able.Count > 0
            ? $"No configured speech-to-text provider recognises {language} (configured: {name}). Providers that would: {string.Join(", ", able)} — set Stt__ByLanguage__{language}={able[0]} and its credentials."
            : $"No speech-to-text provider supports {language}. Supported: {string.Join(", ", _stt.SelectMany(p => p.Languages).Distinct())}.";
        return null;
    }

    public IAvatarSpeech? FindAvatarSpeech(string language, out string error)
    {
        error = "";
        var name = _ttsOptions.ByLanguage.GetValueOrDefault(language) ?? _ttsOptions.Provider;
        var configured = _tts.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (configured is not null && configured.Supports(language))
        {
            return configured;
        }

        var able = _tts.Where(p => p.Supports(language)).Select(p => p.Name).ToList();
        error = able.Count > 0
            ? $"No configured avatar voice speaks {language} (configured: {name}). Providers that would: {string.Join(", ", able)} — set Tts__ByLanguage__{language}={able[0]}."
            : $"No avatar speech provider speaks {language}.";
        return null;
    }

    private IRoleplayAi CreateRoleplayAi(string provider)
    {
        var registration = _ai.FirstOrDefault(r => string.Equals(r.Name, provider, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(ValidateAiOptions.UnknownProvider(provider, _ai.Select(r => r.Name).ToList()));
        return registration.Create();
    }
}
