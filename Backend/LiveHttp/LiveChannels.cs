using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RoleplayHub.Sessions;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// The node's sessions served over HTTP: each one's <see cref="LiveChannel"/>, found by its connection id (to deliver
/// what the session says) and by the session's id (to route the calls on it). Invariant: a session id leads to the
/// channel the session is attached to, or to none; a channel given up — its session ended, moved to another
/// connection, or left without an event stream for <c>LiveHttp:EventStreamGrace</c> — is in neither map, and its
/// connection is closed through the <see cref="SessionManager"/> like a hub connection's. (The manager is handed to
/// <see cref="Open"/> rather than injected: the session layer's <see cref="ISessionClients"/> depends on this class.)
/// </summary>
public sealed class LiveChannels(IOptions<LiveHttpOptions> options, IOptions<RoleplaySessionOptions> sessionOptions, TimeProvider time)
{
    /// <summary>Connection ids of HTTP channels start with this (SignalR's never contain a colon).</summary>
    public const string ConnectionPrefix = "live-http:";

    private readonly ConcurrentDictionary<string, LiveChannel> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveChannel> _bySession = new(StringComparer.Ordinal);

    /// <summary>A new channel of <paramref name="userId"/>, waiting for its session and its first event stream.</summary>
    internal LiveChannel Open(SessionManager sessions, string userId, string? publicBaseUrl)
    {
        var connection = sessions.Connect(ConnectionPrefix + Guid.NewGuid().ToString("N"), userId, publicBaseUrl);
        var channel = new LiveChannel(connection, time, options.Value.EventStreamGrace, Retire, sessions.Disconnect);
        _byConnection[connection.ConnectionId] = channel;
        channel.AwaitStream();
        return channel;
    }

    /// <summary><paramref name="sessionId"/> is now attached to <paramref name="channel"/>.</summary>
    internal void Bind(LiveChannel channel, string sessionId) => _bySession[sessionId] = channel;

    internal LiveChannel? Find(string connectionId) => _byConnection.GetValueOrDefault(connectionId);

    /// <summary>The channel serving the caller's session <paramref name="sessionId"/>, if it is served over HTTP.</summary>
    internal LiveChannel? ForSession(string userId, string sessionId) =>
        _bySession.TryGetValue(sessionId, out var channel) && channel.UserId == userId ? channel : null;

    /// <summary>
    /// The connection a call on <paramref name="sessionId"/> is made through: its channel's, or else one that holds no
    /// session, so the session layer answers exactly as it answers a hub connection without it — not found (another
    /// user's included), ended, or attached elsewhere (<c>session-not-attached</c>: open the event stream to take it).
    /// </summary>
    internal ClientConnection CallerFor(string userId, string sessionId) =>
        ForSession(userId, sessionId)?.Connection
        ?? new ClientConnection(ConnectionPrefix + "unattached", userId, new TokenBucket(sessionOptions.Value.ChunksPerSecond, sessionOptions.Value.ChunkBurst, time));

    /// <summary>Gives the channel up (once): its stream ends, and its connection closes — a session still attached to it
    /// is detached and waits <c>Sessions:ReconnectGrace</c> to be resumed, as after a dropped hub connection.</summary>
    internal void Retire(LiveChannel channel)
    {
        if (!channel.Retire())
        {
            return;
        }

        _byConnection.TryRemove(KeyValuePair.Create(channel.Connection.ConnectionId, channel));
        foreach (var (sessionId, bound) in _bySession)
        {
            if (ReferenceEquals(bound, channel))
            {
                _bySession.TryRemove(KeyValuePair.Create(sessionId, channel));
            }
        }

        channel.Disconnect();
    }
}
