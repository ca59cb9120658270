using RoleplayHub.Sessions;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// One session served over HTTP: the <see cref="ClientConnection"/> the session layer attaches it to — exactly as it
/// attaches a session to a hub connection, so every call is checked the same way — and the event stream reading it,
/// if one is open. Invariant: at most one stream reads a channel (a newer one replaces an older); while none does,
/// numbered events are only kept by the session, for the next stream's <c>Last-Event-ID</c>; a channel with no stream
/// for <c>LiveHttp:EventStreamGrace</c> is given up (<see cref="LiveChannels"/>), like a dropped hub connection.
/// </summary>
internal sealed class LiveChannel(ClientConnection connection, TimeProvider time, TimeSpan grace, Action<LiveChannel> onAbandoned, Action<ClientConnection> disconnect)
{
    private readonly Lock _gate = new();
    private EventStream? _stream;
    private ITimer? _absence;
    private bool _retired;

    public ClientConnection Connection { get; } = connection;

    public string UserId => Connection.UserId;

    /// <summary>Starts the clock on a channel that has no stream yet (a session just started over HTTP).</summary>
    public void AwaitStream()
    {
        lock (_gate)
        {
            StartAbsence();
        }
    }

    /// <summary>A new event stream reads this channel from now on; an older one is closed. False when the channel has
    /// been given up meanwhile (the caller takes a new one: its connection is closed).</summary>
    public bool TryOpen(EventStream stream)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _stream?.Complete();
            _stream = stream;
            _absence?.Dispose();
            _absence = null;
            return true;
        }
    }

    /// <summary><paramref name="stream"/>'s response has ended; if it was the channel's reader, the channel waits for another.</summary>
    public void Closed(EventStream stream)
    {
        lock (_gate)
        {
            stream.Complete();
            if (ReferenceEquals(_stream, stream))
            {
                _stream = null;
                StartAbsence();
            }
        }
    }

    /// <summary>Hands a frame to the open stream; without one it is dropped (numbered events stay kept by the session).</summary>
    public void Deliver(SseFrame frame)
    {
        lock (_gate)
        {
            _stream?.TryWrite(frame);
        }
    }

    /// <summary>The channel serves nothing any more: its stream ends after what is queued. True the first time.</summary>
    public bool Retire()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _retired = true;
            _stream?.Complete();
            _stream = null;
            _absence?.Dispose();
            _absence = null;
            return true;
        }
    }

    /// <summary>Closes the connection in the session layer (after <see cref="Retire"/>), as a hub connection closes.</summary>
    public void Disconnect() => disconnect(Connection);

    private void StartAbsence()
    {
        if (_retired)
        {
            return;
        }

        _absence?.Dispose();
        _absence = time.CreateTimer(static state => ((LiveChannel)state!).Abandoned(), this, grace, Timeout.InfiniteTimeSpan);
    }

    private void Abandoned()
    {
        lock (_gate)
        {
            if (_stream is not null || _retired)
            {
                return; // a stream opened as the timer fired
            }
        }

        onAbandoned(this);
    }
}
