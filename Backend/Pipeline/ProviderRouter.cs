using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Chooses the speech-to-text and avatar-speech provider for a session's language from configuration, and says
/// precisely what to configure when no configured provider speaks the language.
/// </summary>
public sealed class ProviderRouter(
    IEnumerable<ISpeechToText> speechToText,
    IEnumerable<IAvatarSpeech> avatarSpeech,
    IOptions<SttOptions> stt,
    IOptions<TtsOptions> tts)
{
    private readonly List<ISpeechToText> _stt = speechToText.ToList();
    private readonly List<IAvatarSpeech> _tts = avatarSpeech.ToList();

    public ISpeechToText? FindSpeechToText(string language, out string error)
    {
        error = "";
        var name = stt.Value.ByLanguage.GetValueOrDefault(language) ?? stt.Value.Provider;
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
        var name = tts.Value.ByLanguage.GetValueOrDefault(language) ?? tts.Value.Provider;
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
}
