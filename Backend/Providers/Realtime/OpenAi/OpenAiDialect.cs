namespace RoleplayHub.Providers.Realtime.OpenAi;

/// <summary>
/// What differs between the vendors that speak OpenAI's Realtime protocol (../shared/docs/realtime-protocols.md §1–5):
/// the GA event names and nested session (OpenAI, Azure) or the beta names and flat session (StepFun, GLM, Qwen), the
/// endpoint and its auth header, the audio formats, and each vendor's quirks. Everything else is one client.
/// </summary>
internal sealed record OpenAiDialect(
    string Vendor,
    bool Ga,
    Uri DefaultEndpoint,
    int InputSampleRate,
    int OutputSampleRate,
    string InputFormat,
    string OutputFormat,
    bool WavInput,
    bool ClientTimestamp,
    bool CanTruncate,
    bool FinishEvent,
    string? DefaultTranscriptionModel)
{
    public static OpenAiDialect For(string vendor) => vendor.ToLowerInvariant() switch
    {
        RealtimeVendors.OpenAi => new(RealtimeVendors.OpenAi, Ga: true, new("wss://api.openai.com/v1/realtime"), 24000, 24000,
            "audio/pcm", "audio/pcm", WavInput: false, ClientTimestamp: false, CanTruncate: true, FinishEvent: false, "gpt-4o-mini-transcribe"),
        // The v1 endpoint, not the dated api-version one: the preview protocol is deprecated (doc §2).
        RealtimeVendors.Azure => new(RealtimeVendors.Azure, Ga: true, new("wss://invalid.openai.azure.com/openai/v1/realtime"), 24000, 24000,
            "audio/pcm", "audio/pcm", WavInput: false, ClientTimestamp: false, CanTruncate: true, FinishEvent: false, null),
        RealtimeVendors.StepFun => new(RealtimeVendors.StepFun, Ga: false, new("wss://api.stepfun.com/v1/realtime"), 24000, 24000,
            "pcm16", "pcm16", WavInput: false, ClientTimestamp: false, CanTruncate: true, FinishEvent: false, null),
        // GLM wants every audio chunk as a base64 WAV file and a client_timestamp on every event; it has no truncate.
        // Its output PCM rate is not stated in the documentation we could read [unconfirmed]: 24 kHz assumed.
        RealtimeVendors.Glm => new(RealtimeVendors.Glm, Ga: false, new("wss://open.bigmodel.cn/api/paas/v4/realtime"), 16000, 24000,
            "wav", "pcm", WavInput: true, ClientTimestamp: true, CanTruncate: false, FinishEvent: false, null),
        // DashScope SDK: "pcm16" on both sides means 16 kHz in, 24 kHz out; the session ends with session.finish.
        RealtimeVendors.Qwen => new(RealtimeVendors.Qwen, Ga: false, new("wss://dashscope.aliyuncs.com/api-ws/v1/realtime"), 16000, 24000,
            "pcm16", "pcm16", WavInput: false, ClientTimestamp: false, CanTruncate: true, FinishEvent: true, "qwen3-asr-flash-realtime"),
        _ => throw new ArgumentException($"'{vendor}' does not speak the OpenAI Realtime protocol.", nameof(vendor)),
    };

    public string AudioDelta => Ga ? "response.output_audio.delta" : "response.audio.delta";

    public string TranscriptDelta => Ga ? "response.output_audio_transcript.delta" : "response.audio_transcript.delta";

    public string TranscriptDone => Ga ? "response.output_audio_transcript.done" : "response.audio_transcript.done";

    /// <summary>The WebSocket URL: the configured endpoint (or the vendor's) with <c>?model=</c>. Azure's v1 path is
    /// added to a bare resource URL, and <c>model</c> is the deployment.</summary>
    public Uri Url(RealtimeProfileOptions profile)
    {
        var endpoint = profile.Endpoint ?? DefaultEndpoint;
        var builder = new UriBuilder(endpoint)
        {
            Scheme = endpoint.Scheme is "http" or "ws" ? "ws" : "wss",
            Port = endpoint.IsDefaultPort ? -1 : endpoint.Port,
        };
        if (Vendor == RealtimeVendors.Azure && builder.Path is "" or "/")
        {
            builder.Path = "/openai/v1/realtime";
        }

        var model = Vendor == RealtimeVendors.Azure ? profile.Deployment ?? profile.Model : profile.Model;
        builder.Query = "model=" + Uri.EscapeDataString(model ?? "");
        return builder.Uri;
    }

    /// <summary>Azure takes its key in <c>api-key</c>; everyone else in a bearer token.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers(string apiKey) => Vendor == RealtimeVendors.Azure
        ? [new("api-key", apiKey)]
        : [new("Authorization", "Bearer " + apiKey)];
}
