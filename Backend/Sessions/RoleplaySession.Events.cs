namespace RoleplayHub.Sessions;

/// <summary>Where a session's events go: the attached connection, the numbered history kept for replay, and the
/// detach/attach dance of a client that disconnects and resumes.</summary>
public sealed partial class RoleplaySession
{
    /// <summary>
    /// Numbers the event, keeps it in the session's recent history, and says where it goes: to the live connection,
    /// or nowhere for now (the client is away, or a resumed client is still being sent the history, so order holds).
    /// </summary>
    internal ClientConnection? RouteEvent(SessionEventKind kind, Func<long, object> payload, out SessionEvent evt)
    {
        lock (_eventGate)
        {
            evt = new SessionEvent(++_lastSeq, kind, payload(_lastSeq));
            if (_options.ReplayEvents > 0)
            {
                if (_history.Count >= _options.ReplayEvents)
                {
                    _history.Dequeue();
                }

                _history.Enqueue(evt);
            }

            return Connection is { IsClosed: false } connection && !_replaying ? connection : null;
        }
    }

    /// <summary>The connection went away: keep the session for the grace period.</summary>
    internal void Detach(ClientConnection connection, Action<RoleplaySession> onGraceExpired)
    {
        lock (_eventGate)
        {
            if (!ReferenceEquals(Connection, connection))
            {
                return;
            }

            Connection = null;
            DetachedTimestamp = _time.GetTimestamp();
            _replayAfter = _lastSeq;
            _graceTimer?.Dispose();
            _graceTimer = _time.CreateTimer(state => onGraceExpired((RoleplaySession)state!), this, _options.ReconnectGrace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The client resumed on <paramref name="connection"/>. Events after <paramref name="lastSeq"/> (or, without
    /// it, those raised since the disconnect) are replayed; returns whether there are any.</summary>
    internal bool Attach(ClientConnection connection, long? lastSeq)
    {
        RestartIdleFlush(); // before the connection is set, so an idle check in between does not see the outage as silence
        lock (_eventGate)
        {
            var wasAttached = Connection is not null;
            Connection = connection;
            _graceTimer?.Dispose();
            _graceTimer = null;
            _replayAfter = lastSeq ?? (wasAttached ? _lastSeq : _replayAfter);
            _replaying = _lastSeq > _replayAfter;
            Touch();
            return _replaying;
        }
    }

    /// <summary>Next event to replay, or null when caught up (live delivery resumes). <paramref name="missed"/> counts
    /// events that had already left the history.</summary>
    internal SessionEvent? NextReplay(out long missed)
    {
        lock (_eventGate)
        {
            missed = 0;
            var next = _history.FirstOrDefault(e => e.Seq > _replayAfter);
            if (next is null)
            {
                _replaying = false;
                return null;
            }

            missed = next.Seq - _replayAfter - 1;
            _replayAfter = next.Seq;
            return next;
        }
    }

    /// <summary>The connection for events that are not kept for replay (null while away or while replaying).</summary>
    internal ClientConnection? LiveConnection
    {
        get
        {
            lock (_eventGate)
            {
                return Connection is { IsClosed: false } connection && !_replaying ? connection : null;
            }
        }
    }

    /// <summary>The last event number handed out.</summary>
    public long LastSeq
    {
        get
        {
            lock (_eventGate)
            {
                return _lastSeq;
            }
        }
    }
}
