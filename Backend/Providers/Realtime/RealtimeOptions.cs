namespace RoleplayHub.Providers.Realtime;

/// <summary>
/// Realtime speech-to-speech models, bound from the <c>Realtime</c> section: named profiles and the time limits shared by
/// all of them. Every key is in .env.example and explained in docs/providers.md. API keys are never logged or put in a
/// message.
/// </summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Profiles by name (<c>Realtime:Profiles:gpt:Vendor=openai</c>), case-insensitive.</summary>
    public Dictionary<string, RealtimeProfileOptions> Profiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Longest wait for the WebSocket to open (TCP, TLS, upgrade).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait, once connected, for the vendor to confirm the configuration (<c>session.updated</c>, <c>setupComplete</c>).</summary>
    public TimeSpan ConfigureTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for a graceful end (Qwen's <c>session.finished</c>, the close handshake).</summary>
    public TimeSpan FinishTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>One realtime model: who serves it, which model and voice, where, and with which key.</summary>
public sealed class RealtimeProfileOptions
{
    /// <summary>One of <see cref="RealtimeVendors.All"/>.</summary>
    public string? Vendor { get; set; }

    /// <summary>The vendor's model name (<c>gpt-realtime</c>, <c>step-audio-2</c>, <c>glm-realtime-flash</c>,
    /// <c>qwen3-omni-flash-realtime</c>, <c>gemini-live-2.5-flash-preview</c>). Azure: optional when <see cref="Deployment"/> is set.</summary>
    public string? Model { get; set; }

    /// <summary>Azure: the deployment name, sent as <c>model</c> on the v1 endpoint.</summary>
    public string? Deployment { get; set; }

    /// <summary>The default voice (<c>marin</c>, <c>Cherry</c>, <c>Puck</c>…) when the session names none.</summary>
    public string? Voice { get; set; }

    /// <summary>The WebSocket URL (<c>wss://…</c>; <c>https</c>/<c>http</c> are accepted and converted). Unset: the vendor's
    /// public endpoint. Azure: required, the resource (<c>https://my-resource.openai.azure.com</c>); the v1 path is added.</summary>
    public Uri? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Input transcription model: OpenAI <c>gpt-4o-mini-transcribe</c> (default); Azure: a transcription
    /// <em>deployment</em> name; StepFun/GLM/Qwen: the vendor's own (unset sends none).</summary>
    public string? TranscriptionModel { get; set; }

    /// <summary>When the model cannot open a session (unreachable, key refused, setup rejected, timed out), run that
    /// session on the cascaded engine instead, with a warning saying so, rather than refusing it. Off by default: a
    /// drill that must be on this model is refused with the vendor's reason.</summary>
    public bool FallbackToCascaded { get; set; }

    /// <summary>Who detects the trainee's speech in server-vad sessions: <c>vendor</c> (the model's own VAD) or
    /// <c>server</c> (this server's detector, which commits each turn: the vendor's VAD is switched off). Unset: the
    /// vendor's own, except GLM, which expects the client to detect speech. <c>server</c> also gives
    /// <c>speech-started</c>/<c>speech-stopped</c> on vendors that report none (Gemini on the Developer API).</summary>
    public string? SpeechDetection { get; set; }
}
