namespace RoleplayHub.Providers;

/// <summary>
/// The name of every provider: what configuration selects (<c>Stt:Provider</c>, <c>Ai:Provider</c>,
/// <c>Tts:ByLanguage:zh-CN</c>, <c>Stt:Fallback</c>), what a persona's voice is keyed by (<c>voice.espeak</c>), and
/// what readiness checks are called after (<c>stt:pocketsphinx</c>). Compared case-insensitively.
/// </summary>
public static class ProviderNames
{
    /// <summary>Offline English speech recognition (the default recogniser).</summary>
    public const string PocketSphinx = "pocketsphinx";

    /// <summary>Offline speech synthesis with visemes (the default voice).</summary>
    public const string Espeak = "espeak";

    /// <summary>Alibaba Cloud NLS recognition and voices.</summary>
    public const string Aliyun = "aliyun";

    /// <summary>The offline persona engine that follows a scenario's script (the default AI).</summary>
    public const string Scripted = "scripted";

    /// <summary>Any OpenAI-compatible chat-completions endpoint.</summary>
    public const string OpenAi = "openai";

    /// <summary>The benchmark harness's stand-ins for every stage; only ever selected explicitly.</summary>
    public const string LatencyModel = "latency-model";
}
