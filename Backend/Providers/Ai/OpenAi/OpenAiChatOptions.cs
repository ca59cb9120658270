namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// Any OpenAI-compatible chat-completions endpoint (OpenAI, DashScope/Qwen, Zhipu GLM, StepFun, DeepSeek, Gemini's
/// OpenAI endpoint, Ollama, vLLM). Bound from <c>Ai:OpenAi</c>; named model profiles from <c>Ai:Profiles:&lt;name&gt;</c>
/// override any of the model settings, and <c>start-session</c>'s <c>modelProfile</c> picks one per session.
/// </summary>
public sealed class OpenAiChatOptions
{
    public const string Section = "Ai:OpenAi";
    public const string ProfilesSection = "Ai:Profiles";

    /// <summary>The API's base URL, up to but not including <c>/chat/completions</c>.</summary>
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";

    /// <summary>Sent as a bearer token. Local servers (Ollama, vLLM without <c>--api-key</c>) need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Required: the vendor's model name, e.g. <c>gpt-4o-mini</c>, <c>qwen-plus</c>, <c>deepseek-chat</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Sampling temperature 0–2; unset leaves the vendor's default (reasoning models accept no other).</summary>
    public float? Temperature { get; set; }

    /// <summary>Cap on the reply's length in tokens; spoken replies are short, and a cap bounds cost and latency.</summary>
    public int MaxOutputTokens { get; set; } = 300;

    /// <summary>
    /// The request field that carries <see cref="MaxOutputTokens"/>: <c>max_tokens</c> (understood by nearly every
    /// compatible server), <c>max_completion_tokens</c> (OpenAI's reasoning models require it) or <c>none</c>.
    /// </summary>
    public string MaxTokensField { get; set; } = "max_tokens";

    /// <summary>Most recent exchanges sent as history; older ones are dropped and summarised in one line.</summary>
    public int HistoryTurns { get; set; } = 12;

    /// <summary>Approximate token budget for that history (context growth is what a long drill costs).</summary>
    public int HistoryTokens { get; set; } = 3_000;

    /// <summary>Longest wait for the reply's first token, from the first request on, retries and their back-off
    /// included: a hung model fails the turn (retryable) after this, not after <c>Ai:Timeout</c>. Raise it for models
    /// that think before they answer (deepseek-reasoner, o-series).</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Longest wait for the first token of one attempt, within <see cref="FirstTokenTimeout"/>: shorter, a
    /// hung attempt is abandoned and retried while time is left.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest silence between two tokens once the reply has begun: the reply is then cut where it stopped,
    /// and what was written is kept (never retried: the trainee has seen it).</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a retryable failure (429, 5xx, timeout, network) before the first token arrives.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First backoff delay; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest backoff; a <c>Retry-After</c> longer than this is not waited for (the turn fails retryable).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Named overrides, bound from <see cref="ProfilesSection"/> (case-insensitive names).</summary>
    public Dictionary<string, OpenAiModelProfile> Profiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A named model profile: each value left empty falls back to <c>Ai:OpenAi</c>.</summary>
public sealed class OpenAiModelProfile
{
    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    public string? Model { get; set; }

    public float? Temperature { get; set; }

    public int? MaxOutputTokens { get; set; }

    public string? MaxTokensField { get; set; }

    public int? HistoryTurns { get; set; }

    public int? HistoryTokens { get; set; }
}

/// <summary>How long a reply may keep the trainee waiting: for its first token (<see cref="FirstToken"/> in all,
/// <see cref="Attempt"/> per attempt) and between tokens (<see cref="Stall"/>).</summary>
public sealed record ChatTimeouts(TimeSpan FirstToken, TimeSpan Attempt, TimeSpan Stall)
{
    public static ChatTimeouts From(OpenAiChatOptions options) => new(options.FirstTokenTimeout, options.AttemptTimeout, options.StallTimeout);
}

/// <summary>One profile with its fallbacks applied: what a conversation actually uses.</summary>
public sealed record ChatModelSettings(
    string Profile,
    Uri Endpoint,
    string? ApiKey,
    string Model,
    float? Temperature,
    int MaxOutputTokens,
    string MaxTokensField,
    int HistoryTurns,
    int HistoryTokens)
{
    /// <summary>The settings section a problem with this profile is fixed in.</summary>
    public string ConfigPath => Profile.Length == 0 ? OpenAiChatOptions.Section : $"{OpenAiChatOptions.ProfilesSection}:{Profile}";
}
