using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers;

/// <summary>A language runs when the catalog finds both a speech-to-text provider and an avatar voice for it —
/// the same look-ups a cascaded session makes at start, so the catalog API and start-session never disagree.</summary>
public sealed class ProviderLanguageSupport(ProviderCatalog providers) : ILanguageSupport
{
    public LanguageSupport Check(string language)
    {
        if (providers.FindSpeechToText(language, out var sttError) is null)
        {
            return new LanguageSupport(false, sttError);
        }

        return providers.FindAvatarSpeech(language, out var ttsError) is null ? new LanguageSupport(false, ttsError) : LanguageSupport.Runs;
    }
}
