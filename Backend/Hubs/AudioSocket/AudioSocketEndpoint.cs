using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.Http;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// <c>GET /hubs/roleplay/audio?sessionId=…</c>, a WebSocket that carries one session's audio beside the hub's
/// connection: a chunk costs one binary message each way and none of the hub's dispatch. The session must be the
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

        var sockets = services.GetRequiredService<AudioSockets>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var registration = sockets.Open(sessionId!);
        try
        {
            using var end = CancellationTokenSource.CreateLinkedTokenSource(ended, registration.Token);
            var audio = new AudioSocketConnection(socket, sessions, connection!, sessionId!,
                services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions,
                services.GetRequiredService<RoleplayMetrics>(), services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<AudioSocketConnection>>());
            await audio.RunAsync(end.Token, () => ended.IsCancellationRequested ? "session-ended" : "replaced");
        }
        finally
        {
            sockets.Closed(sessionId!, registration);
        }
    }
}
