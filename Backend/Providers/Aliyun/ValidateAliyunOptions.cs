using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Checks the <c>Aliyun</c> section. Credentials and AppKeys are only required for what is actually routed to
/// Aliyun (<c>Stt:Provider</c>, <c>Stt:ByLanguage:*</c>, <c>Tts:*</c>), so the offline defaults need none of it.
/// The routing is read from configuration, not from the stage options: validating those resolves every provider,
/// including the Aliyun ones, which depend on these options (a start-up deadlock).
/// </summary>
public sealed class ValidateAliyunOptions(IConfiguration configuration) : IValidateOptions<AliyunOptions>
{
    public ValidateOptionsResult Validate(string? name, AliyunOptions o)
    {
        var errors = new List<string>();
        var stt = configuration.GetSection(SttProviderOptions.Section).Get<SttProviderOptions>() ?? new SttProviderOptions();
        var tts = configuration.GetSection(TtsProviderOptions.Section).Get<TtsProviderOptions>() ?? new TtsProviderOptions();
        var languages = RoutedLanguages(stt.Provider, stt.ByLanguage)
            .Concat(RoutedLanguages(tts.Provider, tts.ByLanguage)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (languages.Count > 0)
        {
            if (string.IsNullOrWhiteSpace(o.AccessKeyId) || string.IsNullOrWhiteSpace(o.AccessKeySecret))
            {
                errors.Add("Aliyun:AccessKeyId and Aliyun:AccessKeySecret are required when a speech stage uses the aliyun provider.");
            }

            foreach (var language in languages.Where(l => string.IsNullOrWhiteSpace(o.AppKeyFor(l))))
            {
                errors.Add($"Aliyun:AppKeys:{language} is required: {language} is routed to aliyun (the NLS project's AppKey decides the model).");
            }
        }

        if (o.Stt.Mode is not ("transcriber" or "rest"))
        {
            errors.Add($"Aliyun:Stt:Mode '{o.Stt.Mode}' is unknown; use transcriber or rest.");
        }

        if (o.Stt.FrameDuration < TimeSpan.FromMilliseconds(20) || o.Stt.FrameDuration > TimeSpan.FromMilliseconds(200))
        {
            errors.Add("Aliyun:Stt:FrameDuration must be 20–200 ms (the protocol's frame sizes).");
        }

        if (o.Stt.SendSpeed is < 1 or > 100)
        {
            errors.Add("Aliyun:Stt:SendSpeed must be between 1 (real time) and 100.");
        }

        if (o.Stt.MaxSentenceSilence < TimeSpan.FromMilliseconds(200) || o.Stt.MaxSentenceSilence > TimeSpan.FromMilliseconds(2000))
        {
            errors.Add("Aliyun:Stt:MaxSentenceSilence must be 200–2000 ms.");
        }

        if (o.Stt.Attempts < 1 || o.Tts.Attempts < 1)
        {
            errors.Add("Aliyun:Stt:Attempts and Aliyun:Tts:Attempts must be at least 1.");
        }

        if (o.Tts.Format is not ("pcm" or "wav"))
        {
            errors.Add($"Aliyun:Tts:Format '{o.Tts.Format}' is not supported; use pcm or wav.");
        }

        if (o.Tts.SampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            errors.Add("Aliyun:Tts:SampleRate must be 8000, 16000, 24000 or 48000.");
        }

        if (o.Tts.MaxCharacters is < 10 or > 300)
        {
            errors.Add("Aliyun:Tts:MaxCharacters must be 10–300 (the REST API truncates after 300).");
        }

        if (o.TokenRefreshMargin < TimeSpan.Zero || o.RequestTimeout <= TimeSpan.Zero || o.Stt.StepTimeout <= TimeSpan.Zero)
        {
            errors.Add("Aliyun:TokenRefreshMargin, RequestTimeout and Stt:StepTimeout must be positive durations.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The languages a stage sends to Aliyun (for the default provider: both Aliyun languages).</summary>
    internal static IEnumerable<string> RoutedLanguages(string provider, IReadOnlyDictionary<string, string> byLanguage)
    {
        var routed = byLanguage.Where(p => string.Equals(p.Value, ProviderNames.Aliyun, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key);
        return string.Equals(provider, ProviderNames.Aliyun, StringComparison.OrdinalIgnoreCase)
            ? routed.Concat(AliyunLanguages.All.Where(l => !byLanguage.ContainsKey(l)))
            : routed;
    }
}

internal static class AliyunLanguages
{
    public static readonly IReadOnlyCollection<string> All = ["zh-CN", "en-US"];
}
