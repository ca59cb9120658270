using System.Collections.Concurrent;

namespace RoleplayHub.Hubs.Transport;

/// <summary>
/// Who negotiated each connection, so that every later request for it (a WebSocket or SSE open, a long poll, a send)
/// can be held to the same user. SignalR compares only the NameIdentifier claim, which our <c>sub</c>-only tokens do not
/// carry, and then merely logs a change of user. Also counts each user's connections for the per-user cap.
/// <para>Invariant: an entry lives from its negotiation until its connection closes, or until it is clearly abandoned
/// (negotiated but never opened within <see cref="AbandonedAfter"/>; SignalR drops such connections much sooner).</para>
/// </summary>
public sealed class ConnectionOwners(TimeProvider time)
{
    /// <summary>A negotiated connection nobody opened for this long is forgotten.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tokenById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Connections of <paramref name="userId"/> negotiated or open right now.</summary>
    public int CountFor(string userId) => _perUser.TryGetValue(userId, out var count) ? count : 0;

    /// <summary>A negotiate response handed <paramref name="connectionToken"/> to <paramref name="userId"/>.</summary>
    public void Negotiated(string connectionToken, string connectionId, string userId)
    {
        SweepAbandoned();
        if (_byToken.TryAdd(connectionToken, new Entry(userId, connectionId, time.GetTimestamp())))
        {
            _tokenById[connectionId] = connectionToken;
            _perUser.AddOrUpdate(userId, 1, static (_, count) => count + 1);
        }
    }

    /// <summary>The owner of a negotiated connection, or null when the token is unknown here (SignalR answers those).</summary>
    public string? OwnerOf(string connectionToken) => _byToken.TryGetValue(connectionToken, out var entry) ? entry.UserId : null;

    /// <summary>The hub saw the connection open. A connection that skipped negotiation (WebSockets only) is counted
    /// here; one that was negotiated already is.</summary>
    public void Opened(string connectionId, string userId)
    {
        if (_tokenById.TryGetValue(connectionId, out var token) && _byToken.TryGetValue(token, out var entry))
        {
            entry.Opened = true;
            return;
        }

        var direct = "direct:" + connectionId;
        if (_byToken.TryAdd(direct, new Entry(userId, connectionId, time.GetTimestamp()) { Opened = true }))
        {
            _tokenById[connectionId] = direct;
            _perUser.AddOrUpdate(userId, 1, static (_, count) => count + 1);
        }
    }

    /// <summary>The connection closed: it no longer counts, and its token is forgotten.</summary>
    public void Closed(string connectionId)
    {
        if (_tokenById.TryRemove(connectionId, out var token))
        {
            Forget(token);
        }
    }

    private void Forget(string token)
    {
        if (_byToken.TryRemove(token, out var entry))
        {
            _tokenById.TryRemove(entry.ConnectionId, out _);
            _perUser.AddOrUpdate(entry.UserId, 0, static (_, count) => Math.Max(0, count - 1));
            _perUser.TryRemove(new KeyValuePair<string, int>(entry.UserId, 0));
        }
    }

    // At most once a second, on the negotiate path: abandoned negotiations must not count against their user forever.
    private void SweepAbandoned()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + time.TimestampFrequency, next) != next)
        {
            return;
        }

        foreach (var (token, entry) in _byToken)
        {
            if (!entry.Opened && time.GetElapsedTime(entry.NegotiatedAt, now) > AbandonedAfter)
            {
                Forget(token);
            }
        }
    }

    private sealed class Entry(string userId, string connectionId, long negotiatedAt)
    {
        public string UserId { get; } = userId;

        public string ConnectionId { get; } = connectionId;

        public long NegotiatedAt { get; } = negotiatedAt;

        public bool Opened { get; set; }
    }
}
