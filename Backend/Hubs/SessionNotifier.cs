using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;
using RoleplayHub.Storage;

namespace RoleplayHub.Hubs;

/// <summary>
/// Delivers what sessions say to their connections from outside the hub (the pipeline worker, timers, the ender),
/// each message mapped to its wire event (<see cref="WireEvents"/>). A send to a connection that has just gone away
/// must not fail the caller: it is dropped quietly (the session keeps numbered events for replay).
/// </summary>
public sealed class SessionNotifier(IHubContext<RoleplayHub, IRoleplayClient> hub, IMediaStore media, ILogger<SessionNotifier> logger) : ISessionClients
{
    public Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt)
    {
        var client = hub.Clients.Client(connectionId);
        return Guard(evt.ToWire(sessionId, media) switch
        {
            TranscriptionEvent transcript => client.Transcription(transcript),
            ResponseInterruptedEvent interrupted => client.ResponseInterrupted(interrupted),
            ResponseResumedEvent resumed => client.ResponseResumed(resumed),
            AiResponseDeltaEvent delta => client.AiResponseDelta(delta),
            AiResponseEvent reply => client.AiResponse(reply),
            AvatarResponseEvent speech => client.AvatarResponse(speech),
            SpeechStartedEvent started => client.SpeechStarted(started),
            SpeechStoppedEvent stopped => client.SpeechStopped(stopped),
            ErrorEvent error => client.Error(error),
            var other => throw new ArgumentOutOfRangeException(nameof(evt), other.GetType().Name, "Not an event IRoleplayClient sends."),
        });
    }

    public Task SendPartialAsync(string connectionId, string sessionId, TurnEvent partial, long timestamp) =>
        SendEventAsync(connectionId, sessionId, new SessionEvent(0, timestamp, partial));

    public Task SendNoticeAsync(string connectionId, string? sessionId, ClientError error, long timestamp) =>
        Guard(hub.Clients.Client(connectionId).Error(error.ToWire(sessionId, 0, timestamp)));

    public Task SendStartedAsync(string connectionId, SessionStart started) => Guard(hub.Clients.Client(connectionId).SessionStarted(started.ToWire()));

    public Task SendEndedAsync(string connectionId, SessionEnd ended) => Guard(hub.Clients.Client(connectionId).SessionEnded(ended.ToWire()));

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
