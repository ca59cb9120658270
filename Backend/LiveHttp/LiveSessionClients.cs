using RoleplayHub.Core;
using RoleplayHub.Hubs;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;
using RoleplayHub.Storage;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// Delivers what sessions say to whichever transport holds the connection: an HTTP channel's event stream, or else
/// the hub (<see cref="SessionNotifier"/>). The payloads are the hub's (<see cref="WireEvents"/>) either way. A
/// channel is given up after its session's last message to it: <c>session-ended</c>, or the notice that the session was
/// resumed on another connection.
/// </summary>
internal sealed class LiveSessionClients(SessionNotifier hub, LiveChannels channels, SseFrames frames, IMediaStore media) : ISessionClients
{
    public Task SendEventAsync(string connectionId, string sessionId, SessionEvent evt)
    {
        if (channels.Find(connectionId) is not { } channel)
        {
            return hub.SendEventAsync(connectionId, sessionId, evt);
        }

        channel.Deliver(frames.Event(evt.ToWire(sessionId, media), evt.Seq));
        return Task.CompletedTask;
    }

    public Task SendPartialAsync(string connectionId, string sessionId, TurnEvent partial, long timestamp) =>
        SendEventAsync(connectionId, sessionId, new SessionEvent(0, timestamp, partial));

    public Task SendNoticeAsync(string connectionId, string? sessionId, ClientError error, long timestamp)
    {
        if (channels.Find(connectionId) is not { } channel)
        {
            return hub.SendNoticeAsync(connectionId, sessionId, error, timestamp);
        }

        channel.Deliver(frames.Event(error.ToWire(sessionId, 0, timestamp), 0));
        if (channel.Connection.Sessions.Length == 0)
        {
            channels.Retire(channel); // the session was resumed elsewhere: this stream has nothing more to say
        }

        return Task.CompletedTask;
    }

    public Task SendStartedAsync(string connectionId, SessionStart started)
    {
        if (channels.Find(connectionId) is not { } channel)
        {
            return hub.SendStartedAsync(connectionId, started);
        }

        channel.Deliver(frames.Event(started.ToWire(), 0));
        return Task.CompletedTask;
    }

    public Task SendEndedAsync(string connectionId, SessionEnd ended)
    {
        if (channels.Find(connectionId) is not { } channel)
        {
            return hub.SendEndedAsync(connectionId, ended);
        }

        channel.Deliver(frames.Event(ended.ToWire(), 0));
        channels.Retire(channel);
        return Task.CompletedTask;
    }
}
