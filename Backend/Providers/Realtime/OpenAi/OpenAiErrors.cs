using RoleplayHub.Core;

namespace RoleplayHub.Providers.Realtime.OpenAi;

/// <summary>
/// Maps an OpenAI-shaped <c>error</c> event (<c>error.type</c>, <c>error.code</c>) to our error code and whether trying
/// again may help — the same rule as the LLM's HTTP errors: rate limits and server faults yes; credentials, quota and a
/// request the vendor rejects no.
/// </summary>
internal static class OpenAiErrors
{
    /// <summary>OpenAI's code when a session reaches its length cap (then it closes with 1001).</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>Cancelling when no reply is in progress: a harmless race at barge-in, not a failure.</summary>
    public const string CancelNotActive = "response_cancel_not_active";

    public static RealtimeFailure Map(string? type, string? code, string message)
    {
        var (text, retryable) = (type, code) switch
        {
            (_, "rate_limit_exceeded") or ("rate_limit_error", _) or ("tokens", _) => ("The realtime model is rate-limited", true),
            (_, "insufficient_quota") => ("The realtime model's quota is used up", false),
            (_, "invalid_api_key") or ("authentication_error", _) or ("permission_error", _) => ("The realtime model refused the API key", false),
            ("server_error", _) or (_, "server_error") or (_, "internal_error") => ("The realtime model had a server error", true),
            _ => ("The realtime model rejected a request", false),
        };
        return new RealtimeFailure(ErrorCodes.AiFailed, $"{text}: {message}", retryable, code ?? type);
    }
}
