using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Core;
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

    public Task SendAsync(RoleplaySession session, SessionEventKind kind, SequencedEvent payload)
    {
        var connection = session.RouteEvent(kind, seq => payload with { Seq = seq }, out var evt);
        return connection is null ? Task.CompletedTask : DispatchAsync(connection.ConnectionId, evt);
    }

    /// <summary>A partial transcription: superseded by the next one, so it is neither numbered nor kept for replay,
    /// and it is simply not sent while the client is away.</summary>
    public Task SendPartialAsync(RoleplaySession session, TranscriptionEvent partial)
    {
        var connection = session.LiveConnection;
        return connection is null ? Task.CompletedTask : Guard(hub.Clients.Client(connection.ConnectionId).Transcription(partial));
    }

    public Task SendErrorAsync(RoleplaySession session, ClientError error) =>
        SendAsync(session, SessionEventKind.Error, new ErrorEvent(session.Id, error.Code, error.Message, error.Retryable, Now));

    /// <summary>A notice for one connection only; not part of the session's numbered, replayable events.</summary>
    public Task SendDirectErrorAsync(string connectionId, string sessionId, ClientError error) =>
        Guard(hub.Clients.Client(connectionId).Error(new ErrorEvent(sessionId, error.Code, error.Message, error.Retryable, Now)));

    public Task SendSessionStartedAsync(string connectionId, SessionStartedEvent payload) => Guard(hub.Clients.Client(connectionId).SessionStarted(payload));

    public Task SendSessionEndedAsync(string connectionId, SessionEndedEvent payload) => Guard(hub.Clients.Client(connectionId).SessionEnded(payload));

    /// <summary>Sends the events the client missed; live events wait behind the replay so order holds.</summary>
    public async Task ReplayAsync(RoleplaySession session, ClientConnection connection)
    {
        while (session.NextReplay(out var missed) is { } evt)
        {
            if (missed > 0)
            {
                await DispatchAsync(connection.ConnectionId, new SessionEvent(0, SessionEventKind.Error, new ErrorEvent(
                    session.Id, ErrorCodes.EventsMissed, $"{missed} events before seq {evt.Seq} are no longer kept; the session history has them.", false, Now)));
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
