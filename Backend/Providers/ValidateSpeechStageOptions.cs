using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers;

/// <summary>
/// Every provider a speech stage names (<c>Provider</c>, <c>ByLanguage</c>, <c>Fallback</c>) must be registered, so a
/// typo stops the start with the list to choose from. The providers are the registered ones as they are: none of them
/// reads these options (the catalog that wraps them for fallbacks does), so injecting them here cannot loop.
/// </summary>
public sealed class ValidateSpeechStageOptions(IEnumerable<ISpeechToText> speechToText, IEnumerable<IAvatarSpeech> avatarSpeech)
    : IValidateOptions<SttProviderOptions>, IValidateOptions<TtsProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, SttProviderOptions options) =>
        Validate(SttProviderOptions.Section, "speech-to-text", speechToText.Select(p => p.Name), options);

    public ValidateOptionsResult Validate(string? name, TtsProviderOptions options) =>
        Validate(TtsProviderOptions.Section, "avatar speech", avatarSpeech.Select(p => p.Name), options);

    private static ValidateOptionsResult Validate(string section, string kind, IEnumerable<string> names, SpeechStageOptions options)
    {
        var known = names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var errors = new List<string>();
        var unknown = options.ByLanguage.Values.Append(options.Provider).Where(p => !known.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            errors.Add($"Unknown {kind} provider(s) {string.Join(", ", unknown)}; available: {string.Join(", ", known)}.");
        }

        if (!string.IsNullOrWhiteSpace(options.Fallback))
        {
            if (!known.Contains(options.Fallback, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{section}:Fallback '{options.Fallback}' is not a provider; available: {string.Join(", ", known)}.");
            }

            if (options.FallbackCooldown < TimeSpan.Zero)
            {
                errors.Add($"{section}:FallbackCooldown must not be negative.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
