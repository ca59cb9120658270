namespace RoleplayHub.Providers;

/// <summary>
/// Which provider a speech stage uses for each language, and which offline provider takes over a cloud provider's
/// outage. The pipeline reads its own settings of the same sections (<c>Stt:SilencePeakDbfs</c>,
/// <c>Tts:MinSegmentChars</c>) from its own options.
/// </summary>
public abstract class SpeechStageOptions(string provider)
{
    /// <summary>Provider for every language without its own entry in <see cref="ByLanguage"/>.</summary>
    public string Provider { get; set; } = provider;

    /// <summary>Per-language override, e.g. <c>Stt:ByLanguage:zh-CN = aliyun</c>.</summary>
    public Dictionary<string, string> ByLanguage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Offline provider that takes a cloud provider's work during an outage (<c>Stt:Fallback=pocketsphinx</c>,
    /// <c>Tts:Fallback=espeak</c>), or empty for none: the outage is then a retryable <c>stt-failed</c> or
    /// <c>tts-failed</c>.</summary>
    public string? Fallback { get; set; }

    /// <summary>After an outage, how long new utterances or segments go straight to <see cref="Fallback"/> before the
    /// cloud provider is tried again.</summary>
    public TimeSpan FallbackCooldown { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The speech-to-text stage's providers. Bound from the <c>Stt</c> section.</summary>
public sealed class SttProviderOptions() : SpeechStageOptions(ProviderNames.PocketSphinx)
{
    public const string Section = "Stt";
}

/// <summary>The avatar-speech stage's providers. Bound from the <c>Tts</c> section.</summary>
public sealed class TtsProviderOptions() : SpeechStageOptions(ProviderNames.Espeak)
{
    public const string Section = "Tts";
}

/// <summary>The roleplay AI stage: which provider answers, and how long a reply may take. Bound from the <c>Ai</c> section.</summary>
public sealed class AiOptions
{
    public const string Section = "Ai";

    /// <summary><c>scripted</c> (offline, default) or <c>openai</c> (any OpenAI-compatible endpoint).</summary>
    public string Provider { get; set; } = ProviderNames.Scripted;

    /// <summary>Longest time one reply may take before the turn fails with a retryable <c>ai-failed</c>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What the model writes within this time of the last <c>ai-response-delta</c> goes out together in the next one;
    /// the reply's first text and the end of each sentence go out at once. Zero sends every piece as the model writes
    /// it, a message per token.
    /// </summary>
    public TimeSpan DeltaInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest <see cref="DeltaInterval"/>: text held back longer would lag what the trainee reads.</summary>
    public static readonly TimeSpan MaxDeltaInterval = TimeSpan.FromSeconds(1);
}
