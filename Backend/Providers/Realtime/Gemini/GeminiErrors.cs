using System.Net.WebSockets;
using RoleplayHub.Core;

namespace RoleplayHub.Providers.Realtime.Gemini;

/// <summary>
/// Gemini Live reports failures by closing the socket: 1008 (policy violation) for a refused key or permission, 1007
/// (invalid payload) for a request it rejects, 1011 (internal error) for server faults and exhausted quota
/// (<c>RESOURCE_EXHAUSTED</c>, a rate limit: retryable). Read from SDK issue reports; see docs/providers.md.
/// </summary>
internal static class GeminiErrors
{
    public static RealtimeFailure? FromClose(WebSocketCloseStatus? status, string? description)
    {
        var text = description ?? "";
        var rateLimited = text.Contains("RESOURCE_EXHAUSTED", StringComparison.OrdinalIgnoreCase)
            || text.Contains("quota", StringComparison.OrdinalIgnoreCase);
        var code = ((int?)status)?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return status switch
        {
            WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable or null => null,
            WebSocketCloseStatus.PolicyViolation =>
                new RealtimeFailure(ErrorCodes.AiFailed, $"The realtime model refused the API key: {text}", Retryable: false, code),
            WebSocketCloseStatus.InvalidPayloadData =>
                new RealtimeFailure(ErrorCodes.AiFailed, $"The realtime model rejected a request: {text}", Retryable: false, code),
            _ when rateLimited =>
                new RealtimeFailure(ErrorCodes.AiFailed, $"The realtime model is rate-limited: {text}", Retryable: true, code),
            _ => new RealtimeFailure(ErrorCodes.AiFailed, $"The realtime model failed: {text}", Retryable: true, code),
        };
    }
}
