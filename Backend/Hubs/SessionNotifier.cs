using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// Delivers what sessions say to their connections from outside the hub (the pipeline worker, timers, the ender),
/// each message mapped to its wire event (<see cref="WireEvents"/>). A send to a connection that has just gone away
/// must not fail the caller: it is dropped quietly (the session keeps numbered events for replay).
/// </summary>
public sealed class SessionNotifier(IHubContext<RoleplayHub, IRoleplayClient> hub, ILogger<SessionNotifier> logger) : ISessionClients
{
    public Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt)
    {
        var client = hub.Clients.Client(connectionId);
        return Guard(evt.Payload switch
        {
            TurnTranscript transcript => client.Transcription(transcript.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            ReplyInterrupted interrupted => client.ResponseInterrupted(interrupted.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            ReplyResumed resumed => client.ResponseResumed(resumed.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            TurnReplyDelta delta => client.AiResponseDelta(delta.ToWire(sessionId, evt.Timestamp)),
            TurnReply reply => client.AiResponse(reply.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            TurnSpeech speech => client.AvatarResponse(speech.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            UserSpeechStarted started => client.SpeechStarted(started.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            UserSpeechStopped stopped => client.SpeechStopped(stopped.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            TurnError error => client.Error(error.Error.ToWire(sessionId, evt.Seq, evt.Timestamp)),
            _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.Payload.GetType().Name, "Not a turn event the hub knows."),
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
