using Microsoft.Extensions.Options;

namespace RoleplayHub.Pipeline;

/// <summary>Which provider runs each stage. Bound from the <c>Stt</c>, <c>Ai</c> and <c>Tts</c> sections.</summary>
public sealed class SttOptions
{
    public const string Section = "Stt";

    /// <summary>Provider for every language without its own entry in <see cref="ByLanguage"/>.</summary>
    public string Provider { get; set; } = "pocketsphinx";

    /// <summary>Per-language override, e.g. <c>Stt:ByLanguage:zh-CN = aliyun</c>.</summary>
    public Dictionary<string, string> ByLanguage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Speech quieter than this peak level (dBFS) is treated as silence and not sent to the recogniser.</summary>
    public double SilencePeakDbfs { get; set; } = -45;

    /// <summary>More than this fraction of samples at full scale is reported as clipping.</summary>
    public double ClippingRatio { get; set; } = 0.01;
}

public sealed class AiOptions
{
    public const string Section = "Ai";

    /// <summary><c>scripted</c> (offline, default) or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    public string Provider { get; set; } = "scripted";

    /// <summary>Longest time one reply may take before the turn fails with a retryable <c>ai-failed</c>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class TtsOptions
{
    public const string Section = "Tts";

    public string Provider { get; set; } = "espeak";

    /// <summary>Per-language override, e.g. <c>Tts:ByLanguage:zh-CN = aliyun</c>.</summary>
    public Dictionary<string, string> ByLanguage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replies are spoken sentence by sentence; sentences shorter than this are merged with the next.</summary>
    public int MinSegmentChars { get; set; } = 24;
}

public sealed class ValidatePipelineOptions(IEnumerable<Providers.Stt.ISpeechToText> stt, IEnumerable<Providers.Tts.IAvatarSpeech> tts)
    : IValidateOptions<SttOptions>, IValidateOptions<TtsOptions>
{
    public ValidateOptionsResult Validate(string? name, SttOptions options)
    {
        var known = stt.Select(p => p.Name).ToList();
        var unknown = options.ByLanguage.Values.Append(options.Provider).Where(p => !known.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Unknown speech-to-text provider(s) {string.Join(", ", unknown)}; available: {string.Join(", ", known)}.");
    }

    public ValidateOptionsResult Validate(string? name, TtsOptions options)
    {
        var known = tts.Select(p => p.Name).ToList();
        var unknown = options.ByLanguage.Values.Append(options.Provider).Where(p => !known.Contains(p, StringComparer.OrdinalIgnoreCase)).Distinct().ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Unknown avatar speech provider(s) {string.Join(", ", unknown)}; available: {string.Join(", ", known)}.");
    }
}
