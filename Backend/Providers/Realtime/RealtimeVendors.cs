namespace RoleplayHub.Providers.Realtime;

/// <summary>The vendors a profile may name (<c>Realtime:Profiles:&lt;name&gt;:Vendor</c>) and the protocol family each speaks.</summary>
public static class RealtimeVendors
{
    /// <summary>OpenAI Realtime, GA event names.</summary>
    public const string OpenAi = "openai";

    /// <summary>Azure OpenAI, the GA protocol on the v1 endpoint with an <c>api-key</c> header and deployment names.</summary>
    public const string Azure = "azure";

    /// <summary>StepFun step-audio, OpenAI's beta event names.</summary>
    public const string StepFun = "stepfun";

    /// <summary>Zhipu GLM-Realtime, beta names, base64 WAV input, client VAD by default, no truncate.</summary>
    public const string Glm = "glm";

    /// <summary>Alibaba Qwen-Omni-Realtime on DashScope, beta names, 16 kHz in / 24 kHz out, <c>session.finish</c>.</summary>
    public const string Qwen = "qwen";

    /// <summary>Google Gemini Live (<c>BidiGenerateContent</c>).</summary>
    public const string Gemini = "gemini";

    public static IReadOnlyList<string> All { get; } = [OpenAi, Azure, StepFun, Glm, Qwen, Gemini];

    public static bool IsKnown(string? vendor) => vendor is not null && All.Contains(vendor, StringComparer.OrdinalIgnoreCase);
}
