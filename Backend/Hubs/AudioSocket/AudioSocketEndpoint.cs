using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.Http;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// <c>GET /hubs/roleplay/audio?sessionId=…[&amp;keep=true]</c>, a WebSocket that carries a session's audio beside the hub's
/// connection (with <c>keep</c>, the caller's next sessions' too): a chunk costs one binary message each way and none of
/// the hub's dispatch. The session must be the
/// caller's, active and attached to a hub (or HTTP) connection, which keeps carrying its events; refusals before the
/// upgrade are problem+json.
/// </summary>
internal static class AudioSocketEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var sessions = services.GetRequiredService<SessionManager>();
        string? sessionId = context.Request.Query["sessionId"];
        if (sessions.FindAttached(AuthPolicies.SubjectOf(context.User)!, sessionId, out var connection, out var ended) is { } error)
        {
            await ClientErrorProblems.For(context, error, sessionId).ExecuteAsync(context);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ClientErrorProblems.For(context, ClientError.InvalidRequest("Open this path as a WebSocket (GET with Upgrade: websocket)."), sessionId)
                .ExecuteAsync(context);
            return;
        }

        var keep = string.Equals(context.Request.Query["keep"], "true", StringComparison.OrdinalIgnoreCase);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var audio = new AudioSocketConnection(socket, sessions, services.GetRequiredService<AudioSockets>(),
            AuthPolicies.SubjectOf(context.User)!, keep, services.GetRequiredService<IOptions<HubLimitsOptions>>().Value.SessionStartTimeout,
            services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions,
            services.GetRequiredService<RoleplayMetrics>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<AudioSocketConnection>>());
        await audio.RunAsync(sessionId!, connection!, ended);
    }
}
