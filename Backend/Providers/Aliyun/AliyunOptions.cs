namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Alibaba Cloud Intelligent Speech Interaction (NLS). Bound from the <c>Aliyun</c> section; the keys are listed in
/// .env.example and explained in docs/providers.md. The secret is never logged or put in an exception message.
/// </summary>
public sealed class AliyunOptions
{
    public const string Section = "Aliyun";

    public string? AccessKeyId { get; set; }

    public string? AccessKeySecret { get; set; }

    /// <summary>STS security token, when the key pair is temporary.</summary>
    public string? SecurityToken { get; set; }

    /// <summary>The POP region of the token service: <c>cn-shanghai</c> (mainland) or <c>ap-southeast-1</c>.</summary>
    public string Region { get; set; } = "cn-shanghai";

    /// <summary>CreateToken endpoint (POP RPC, path <c>/</c>).</summary>
    public Uri TokenEndpoint { get; set; } = new("https://nls-meta.cn-shanghai.aliyuncs.com/");

    /// <summary>NLS gateway: WebSocket <c>/ws/v1</c> (https → wss), REST <c>/stream/v1/asr</c> and <c>/stream/v1/tts</c>.</summary>
    public Uri GatewayEndpoint { get; set; } = new("https://nls-gateway-cn-shanghai.aliyuncs.com/");

    /// <summary>Project AppKey per language: the NLS console project decides the model, so zh-CN and en-US each need
    /// their own project (<c>Aliyun:AppKeys:zh-CN</c>).</summary>
    public Dictionary<string, string> AppKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A cached token is replaced this long before its <c>ExpireTime</c>.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one HTTP request (token, REST recognition, one TTS part).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public AliyunSttOptions Stt { get; set; } = new();

    public AliyunTtsOptions Tts { get; set; } = new();

    internal string? AppKeyFor(string language) => AppKeys.GetValueOrDefault(language);
}

public sealed class AliyunSttOptions
{
    /// <summary><c>transcriber</c>: real-time WebSocket transcription with partial results (default).
    /// <c>rest</c>: one-sentence REST recognition of the whole utterance at its end (≤ 60 s, no partials).</summary>
    public string Mode { get; set; } = "transcriber";

    /// <summary>Audio per WebSocket binary frame; the SDKs use 20–200 ms, 100 ms is the documented recommendation.</summary>
    public TimeSpan FrameDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pacing: frames go out at this multiple of real time. The protocol asks for real time (1); audio that
    /// reached us late (the session flushes about a second at a time) is caught up at this speed.</summary>
    public double SendSpeed { get; set; } = 2;

    public bool EnablePunctuation { get; set; } = true;

    public bool EnableInverseTextNormalization { get; set; } = true;

    /// <summary>Word timings on the final transcript (<c>enable_words</c>).</summary>
    public bool EnableWords { get; set; } = true;

    /// <summary>Silence in the audio that ends a sentence (<c>max_sentence_silence</c>, 200–2000 ms).</summary>
    public TimeSpan MaxSentenceSilence { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Connect plus <c>TranscriptionStarted</c>, and <c>StopTranscription</c> to <c>TranscriptionCompleted</c>.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries per utterance for retryable failures (dropped connection, idle timeout, server errors); the
    /// utterance's audio is kept and sent again from its start.</summary>
    public int Attempts { get; set; } = 3;
}

public sealed class AliyunTtsOptions
{
    /// <summary>Voice when the persona has no <c>voice.aliyun</c>.</summary>
    public string DefaultVoice { get; set; } = "xiaoyun";

    /// <summary>16000 (default) or 8000; some voices also take 24000 or 48000.</summary>
    public int SampleRate { get; set; } = 16000;

    /// <summary><c>pcm</c> (default: raw samples, we write one WAV header) or <c>wav</c>.</summary>
    public string Format { get; set; } = "pcm";

    public int Volume { get; set; } = 50;

    /// <summary>-500 (0.5×) … 500 (2×).</summary>
    public int SpeechRate { get; set; }

    public int PitchRate { get; set; }

    /// <summary>The REST API truncates text after 300 characters, so longer text is sent in parts split at sentence
    /// boundaries.</summary>
    public int MaxCharacters { get; set; } = 300;

    /// <summary>Tries per part for retryable failures (5xx, server status codes, dropped connections).</summary>
    public int Attempts { get; set; } = 3;
}
