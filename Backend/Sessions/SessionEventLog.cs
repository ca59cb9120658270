using RoleplayHub.Core;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// A session's events and the connection they go to. Invariant, under one lock: each event gets the next
/// <c>seq</c> and the last <c>Sessions:ReplayEvents</c> are kept; an event goes straight to the attached connection
/// unless the client is away or is still being sent what it missed, so a client sees each <c>seq</c> once, in order.
/// A client that went away has <c>Sessions:ReconnectGrace</c> to resume before the session ends.
/// </summary>
internal sealed class SessionEventLog(
    string sessionId,
    ClientConnection connection,
    RoleplaySessionOptions options,
    ISessionClients clients,
    TimeProvider time,
    Action onGraceExpired,
    long firstSeq = 0) : IDisposable
{
    private readonly Lock _gate = new();
    // Sized at the start (up to a point): growing it as a session's first events come allocates each larger array in
    // turn, while the session itself is long-lived.
    private readonly Queue<SessionEvent> _kept = new(Math.Min(options.ReplayEvents, 64));
    private ITimer? _graceTimer;
    // A session restored from a lost node numbers on from the client's lastSeq, so its seq never goes back.
    private long _lastSeq = firstSeq;
    private long _replayAfter = firstSeq;
    private bool _replaying;

    /// <summary>The connection events go to; null while the client is away (events are kept for replay).</summary>
    public ClientConnection? Connection { get; private set; } = connection;

    public long LastSeq
    {
        get
        {
            lock (_gate)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>Numbers and keeps the event, and sends it if the client is there to hear it now.</summary>
    public Task EmitAsync(TurnEvent payload)
    {
        SessionEvent evt;
        ClientConnection? target;
        lock (_gate)
        {
            evt = new SessionEvent(++_lastSeq, Now, payload);
            if (options.ReplayEvents > 0)
            {
                if (_kept.Count >= options.ReplayEvents)
                {
                    _kept.Dequeue();
                }

                _kept.Enqueue(evt);
            }

            target = Live();
        }

        return target is null ? Task.CompletedTask : clients.SendEventAsync(target.ConnectionId, sessionId, evt);
    }

    /// <summary>Sends a partial transcript to the live connection only.</summary>
    public Task EmitPartialAsync(TurnEvent partial)
    {
        ClientConnection? target;
        lock (_gate)
        {
            target = Live();
        }

        return target is null ? Task.CompletedTask : clients.SendPartialAsync(target.ConnectionId, sessionId, partial, Now);
    }

    /// <summary>The connection went away: keep the events for the grace period. False if it was not this session's.</summary>
    public bool Detach(ClientConnection connection)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(Connection, connection))
            {
                return false;
            }

            Connection = null;
            _replayAfter = _lastSeq;
            _graceTimer?.Dispose();
            _graceTimer = time.CreateTimer(static state => ((Action)state!)(), onGraceExpired, options.ReconnectGrace, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    /// <summary>The client resumed on <paramref name="connection"/>. Events after <paramref name="lastSeq"/> (or,
    /// without it, those raised since the disconnect) are to be replayed; returns whether there are any.</summary>
    public bool Attach(ClientConnection connection, long? lastSeq)
    {
        lock (_gate)
        {
            var wasAttached = Connection is not null;
            Connection = connection;
            _graceTimer?.Dispose();
            _graceTimer = null;
            _replayAfter = lastSeq ?? (wasAttached ? _lastSeq : _replayAfter);
            _replaying = _lastSeq > _replayAfter;
            return _replaying;
        }
    }

    /// <summary>Sends <paramref name="connection"/> what it missed, in order; live events wait behind it. Events no longer
    /// kept are announced with <c>events-missed</c>.</summary>
    public async Task ReplayAsync(ClientConnection connection)
    {
        while (NextReplay(out var missed) is { } evt)
        {
            if (missed > 0)
            {
                await clients.SendNoticeAsync(connection.ConnectionId, sessionId, new ClientError(ErrorCodes.EventsMissed,
                    $"{missed} events before seq {evt.Seq} are no longer kept; the session history has them.", false), Now);
            }

            await clients.SendEventAsync(connection.ConnectionId, sessionId, evt);
        }
    }

    public void Dispose() => _graceTimer?.Dispose();

    private SessionEvent? NextReplay(out long missed)
    {
        lock (_gate)
        {
            missed = 0;
            foreach (var next in _kept)
            {
                if (next.Seq > _replayAfter)
                {
                    missed = next.Seq - _replayAfter - 1;
                    _replayAfter = next.Seq;
                    return next;
                }
            }

            _replaying = false;
            return null;
        }
    }

    private ClientConnection? Live() => Connection is { IsClosed: false } live && !_replaying ? live : null;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
