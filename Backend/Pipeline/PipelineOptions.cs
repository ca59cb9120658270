using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Providers;

namespace RoleplayHub.Pipeline;

/// <summary>Which provider runs each stage. Bound from the <c>Stt</c>, <c>Ai</c> and <c>Tts</c> sections.</summary>
public sealed class SttOptions
{
    public const string Section = "Stt";

    /// <summary>Provider for every language without its own entry in <see cref="ByLanguage"/>.</summary>
    public string Provider { get; set; } = ProviderNames.PocketSphinx;

    /// <summary>Per-language override, e.g. <c>Stt:ByLanguage:zh-CN = aliyun</c>.</summary>
    public Dictionary<string, string> ByLanguage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Speech quieter than this peak level (dBFS) is treated as silence and not sent to the recogniser.</summary>
    public double SilencePeakDbfs { get; set; } = -45;

    /// <summary>More than this fraction of samples at full scale is reported as clipping.</summary>
    public double ClippingRatio { get; set; } = 0.01;

    /// <summary>Offline recogniser that takes an utterance when a cloud recogniser has an outage
    /// (<c>Stt:Fallback=pocketsphinx</c>), or empty for none: the outage is then a retryable <c>stt-failed</c>.</summary>
    public string? Fallback { get; set; }

    /// <summary>After an outage, how long new utterances go straight to <see cref="Fallback"/> before the cloud
    /// recogniser is tried again.</summary>
    public TimeSpan FallbackCooldown { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class AiOptions
{
    public const string Section = "Ai";

    /// <summary><c>scripted</c> (offline, default) or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    public string Provider { get; set; } = ProviderNames.Scripted;

    /// <summary>Longest time one reply may take before the turn fails with a retryable <c>ai-failed</c>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class TtsOptions
{
    public const string Section = "Tts";

    public string Provider { get; set; } = ProviderNames.Espeak;

    /// <summary>Per-language override, e.g. <c>Tts:ByLanguage:zh-CN = aliyun</c>.</summary>
    public Dictionary<string, string> ByLanguage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replies are spoken sentence by sentence; sentences shorter than this are merged with the next.</summary>
    public int MinSegmentChars { get; set; } = 24;

    /// <summary>Offline voice that speaks a segment when a cloud voice has an outage (<c>Tts:Fallback=espeak</c>),
    /// or empty for none: the outage is then a retryable <c>tts-failed</c>.</summary>
    public string? Fallback { get; set; }

    /// <summary>After an outage, how long new segments go straight to <see cref="Fallback"/> before the cloud voice
    /// is tried again.</summary>
    public TimeSpan FallbackCooldown { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Every provider a stage names (<c>Provider</c>, <c>ByLanguage</c>, <c>Fallback</c>) must exist. The providers are
/// resolved when validating, not injected: the fallback wrappers among them read these options, so injecting them
/// here would make the options depend on themselves.
/// </summary>
public sealed class ValidatePipelineOptions(IServiceProvider services) : IValidateOptions<SttOptions>, IValidateOptions<TtsOptions>
{
    public ValidateOptionsResult Validate(string? name, SttOptions options)
    {
        var known = services.GetServices<ISpeechToText>().Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return Validate(SttOptions.Section, "speech-to-text", known, options.Provider, options.ByLanguage, options.Fallback, options.FallbackCooldown);
    }

    public ValidateOptionsResult Validate(string? name, TtsOptions options)
    {
        var known = services.GetServices<IAvatarSpeech>().Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return Validate(TtsOptions.Section, "avatar speech", known, options.Provider, options.ByLanguage, options.Fallback, options.FallbackCooldown);
    }

    private static ValidateOptionsResult Validate(
        string section, string kind, List<string> known, string provider, Dictionary<string, string> byLanguage, string? fallback, TimeSpan cooldown)
    {
        var errors = new List<string>();
        var unknown = byLanguage.Values.Append(provider).Where(p => !known.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            errors.Add($"Unknown {kind} provider(s) {string.Join(", ", unknown)}; available: {string.Join(", ", known)}.");
        }

        if (!string.IsNullOrWhiteSpace(fallback))
        {
            if (!known.Contains(fallback, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{section}:Fallback '{fallback}' is not a provider; available: {string.Join(", ", known)}.");
            }

            if (cooldown < TimeSpan.Zero)
            {
                errors.Add($"{section}:FallbackCooldown must not be negative.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
