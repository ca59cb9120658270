using RoleplayHub.Hubs.Contracts;

using RoleplayHub.History;

namespace RoleplayHub.Sessions;

/// <summary>Ending sessions (every reason), the idle sweep and the graceful drain on shutdown.</summary>
public sealed partial class SessionManager
{
    /// <summary>Ends a session (first reason wins). Returns at once; <c>session-ended</c> follows the worker's last event.</summary>
    public void RequestEnd(RoleplaySession session, SessionEndReason reason)
    {
        if (!session.TryBeginEnd(reason))
        {
            return;
        }

        if (reason == SessionEndReason.Shutdown)
        {
            session.CompleteQueue(); // drain: queued turns may finish within the drain timeout
        }
        else
        {
            session.Stop();
        }

        _ending[session] = FinishEndAsync(session, reason);
    }

    private async Task FinishEndAsync(RoleplaySession session, SessionEndReason reason)
    {
        var wait = reason == SessionEndReason.Shutdown ? _options.DrainTimeout : TimeSpan.FromSeconds(10);
        try
        {
            await session.Worker.WaitAsync(wait, _time);
        }
        catch (TimeoutException)
        {
            session.Stop();
            _logger.LogWarning("Session {SessionId}: the pipeline did not stop within {Wait}; cancelled", session.Id, wait);
            await session.Worker.WaitAsync(TimeSpan.FromSeconds(5), _time).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Session {SessionId}: the pipeline ended with an error", session.Id);
        }

        try
        {
            _sessions.TryRemove(session.Id, out _);
            ReleaseUserSlot(session.UserId);
            _ended[session.Id] = new EndedSession(session.UserId, reason.ToWire(), _time.GetTimestamp());
            session.MarkEnded();
            var connection = session.Connection;
            connection?.Remove(session);
            var now = _time.GetUtcNow();
            var duration = (long)(now - session.StartedAt).TotalMilliseconds;
            _pipeline.Journal.SessionEnded(new SessionEndRecord(session.HistoryKey, session.Id, reason.ToWire(), session.TurnCount, now));
            _metrics.SessionsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason.ToWire()));
            if (connection is { IsClosed: false })
            {
                await _notifier.SendSessionEndedAsync(connection.ConnectionId,
                    new SessionEndedEvent(session.Id, reason.ToWire(), session.TurnCount, duration, now.ToUnixTimeMilliseconds()));
            }

            LogEnded(session.Id, reason.ToWire(), session.TurnCount, duration);
        }
        finally
        {
            session.Dispose();
            _ending.TryRemove(session, out _);
        }
    }

    /// <summary>Ends sessions idle for longer than <see cref="RoleplaySessionOptions.IdleTimeout"/>; forgets old ended ones.</summary>
    public int SweepIdle()
    {
        var now = _time.GetTimestamp();
        var ended = 0;
        foreach (var session in _sessions.Values)
        {
            if (session.IsActive && _time.GetElapsedTime(session.LastActivityTimestamp, now) >= _options.IdleTimeout)
            {
                RequestEnd(session, SessionEndReason.IdleTimeout);
                ended++;
            }
        }

        foreach (var (id, tombstone) in _ended)
        {
            if (_time.GetElapsedTime(tombstone.EndedTimestamp, now) >= _options.EndedSessionMemory)
            {
                _ended.TryRemove(id, out _);
            }
        }

        return ended;
    }

    /// <summary>
    /// Hooks the graceful drain into <c>ApplicationStopping</c>. SignalR closes every connection from its own
    /// <c>ApplicationStopping</c> callback; callbacks run last-registered-first, and ours is registered once the app has
    /// started (after SignalR's), so sessions are drained while their clients are still connected to hear it.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lifetime.ApplicationStarted.Register(() => _lifetime.ApplicationStopping.Register(() => DrainAsync().Wait(_options.DrainTimeout + TimeSpan.FromSeconds(5))));
        return Task.CompletedTask;
    }

    /// <summary>Fallback for hosts that stop without having started the app.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => DrainAsync().WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);

    /// <summary>Graceful shutdown: no new sessions; each utterance in progress is ended and queued turns get
    /// <see cref="RoleplaySessionOptions.DrainTimeout"/> to finish; then every session ends with <c>shutdown</c>.</summary>
    private async Task DrainAsync()
    {
        if (!_stopping)
        {
            _stopping = true;
            _logger.LogInformation("Draining {Count} sessions", _sessions.Count);
        }

        foreach (var session in _sessions.Values)
        {
            session.FlushPendingUtterance();
            RequestEnd(session, SessionEndReason.Shutdown);
        }

        await Task.WhenAll(_ending.Values);
    }
}
