using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// Delivers a session's events to the connection it is attached to, from outside the hub (the pipeline worker,
/// timers, the manager). While the client is away, events are kept by the session and replayed, in order, when
/// it resumes.
/// </summary>
public sealed class SessionNotifier(IHubContext<RoleplayHub, IRoleplayClient> hub, TimeProvider time, ILogger<SessionNotifier> logger)
{
    public long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task SendAsync(RoleplaySession session, SessionEventKind kind, object payload)
    {
        var evt = new SessionEvent(kind, payload);
        var connection = session.RouteEvent(evt);
        return connection is null ? Task.CompletedTask : DispatchAsync(connection.ConnectionId, evt);
    }

    public Task SendErrorAsync(RoleplaySession session, HubError error) =>
        SendAsync(session, SessionEventKind.Error, new ErrorEvent(session.Id, error.Code, error.Message, error.Retryable, Now));

    public Task SendSessionStartedAsync(string connectionId, SessionStartedEvent payload) => Guard(hub.Clients.Client(connectionId).SessionStarted(payload));

    public Task SendSessionEndedAsync(string connectionId, SessionEndedEvent payload) => Guard(hub.Clients.Client(connectionId).SessionEnded(payload));

    /// <summary>Sends what the session kept while the client was away; live events wait behind the replay.</summary>
    public async Task ReplayAsync(RoleplaySession session, ClientConnection connection)
    {
        while (session.NextReplay(out var dropped) is { } evt)
        {
            if (dropped > 0)
            {
                await DispatchAsync(connection.ConnectionId, new SessionEvent(SessionEventKind.Error, new ErrorEvent(
                    session.Id, ErrorCodes.Internal, $"{dropped} older events were dropped while you were disconnected; the session history has them.", false, Now)));
            }

            await DispatchAsync(connection.ConnectionId, evt);
        }
    }

    private Task DispatchAsync(string connectionId, SessionEvent evt)
    {
        var client = hub.Clients.Client(connectionId);
        return Guard(evt.Kind switch
        {
            SessionEventKind.Transcription => client.Transcription((TranscriptionEvent)evt.Payload),
            SessionEventKind.AiResponse => client.AiResponse((AiResponseEvent)evt.Payload),
            SessionEventKind.AvatarResponse => client.AvatarResponse((AvatarResponseEvent)evt.Payload),
            SessionEventKind.Error => client.Error((ErrorEvent)evt.Payload),
            _ => throw new ArgumentOutOfRangeException(nameof(evt)),
        });
    }

    // A send to a connection that has just gone away must not fail the pipeline.
    private async Task Guard(Task send)
    {
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Dropped an event for a closed connection");
        }
    }
}
