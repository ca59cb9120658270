using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using RoleplayHub.Coaching;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Observability;

namespace RoleplayHub.Sessions;

/// <summary>
/// Ends sessions, for every reason, and drains them on shutdown. Invariant: a session ends once, for the first
/// reason; its worker is stopped (or, on shutdown, drained) and awaited before <c>session-ended</c> is sent, so that is
/// always the session's last event, and the end is journalled.
/// </summary>
public sealed partial class SessionEnder(
    SessionRegistry registry,
    IOptions<RoleplaySessionOptions> options,
    ISessionClients clients,
    ISessionJournal journal,
    ISessionOwnership ownership,
    RoleplayMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SessionEnder> logger,
    DrillCoach? coach = null) : ISessionEnder, IHostedService
{
    private readonly ConcurrentDictionary<RoleplaySession, Task> _ending = new();
    private readonly RoleplaySessionOptions _options = options.Value;
    private volatile bool _stopping;

    /// <summary>The node is shutting down: no new sessions.</summary>
    public bool IsStopping => _stopping;

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

        _ending[session] = FinishAsync(session, reason);
    }

    /// <summary>Ends a session like <see cref="RequestEnd"/>, completing once its <c>session-ended</c> has been sent.</summary>
    public Task EndAsync(RoleplaySession session, SessionEndReason reason)
    {
        RequestEnd(session, reason);
        return _ending.TryGetValue(session, out var ending) ? ending : Task.CompletedTask;
    }

    /// <summary>Ends sessions idle for longer than <c>Sessions:IdleTimeout</c>; forgets old ended ones.</summary>
    public int SweepIdle()
    {
        var now = time.GetTimestamp();
        var ended = 0;
        foreach (var session in registry.All)
        {
            if (session.IsActive && time.GetElapsedTime(session.LastActivityTimestamp, now) >= _options.IdleTimeout)
            {
                RequestEnd(session, SessionEndReason.IdleTimeout);
                ended++;
            }
        }

        registry.ForgetOldEnded();
        return ended;
    }

    /// <summary>
    /// Hooks the graceful drain into <c>ApplicationStopping</c>. SignalR closes every connection from its own
    /// <c>ApplicationStopping</c> callback; callbacks run last-registered-first, and ours is registered once the app has
    /// started (after SignalR's), so sessions are drained while their clients are still connected to hear it.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => lifetime.ApplicationStopping.Register(DrainThenLinger));
        return Task.CompletedTask;
    }

    // Blocks the stopping callbacks, SignalR's among them, until every session has ended and its session-ended has
    // left. SignalR closes the connections still open without flushing them, so an event still in a connection's pipe
    // would be lost (the shutdown trials in docs/reliability.md lost a few). So the stop closes each connection whose
    // sessions it ended itself, the polite way: the hub's close message queued behind everything sent, then the
    // transport's close frame; and it waits until each transport says it has finished (IConnectionLifetimeFeature's
    // ConnectionClosed), up to Sessions:ShutdownLinger in all for a client that does not answer. It waits on real
    // threads, so it counts real time: on a test's manual clock the cap would never come.
    private void DrainThenLinger()
    {
        var connections = registry.All.Select(s => s.Connection).OfType<ClientConnection>().Distinct().ToList();
        var sessions = registry.Count;
        DrainAsync().Wait(_options.DrainTimeout + TimeSpan.FromSeconds(5));
        if (connections.Count > 0 && _options.ShutdownLinger > TimeSpan.Zero)
        {
            CloseAndLinger(sessions, connections);
        }
    }

    private void CloseAndLinger(int sessions, List<ClientConnection> connections)
    {
        var started = Stopwatch.GetTimestamp();
        var closing = new List<Task>(connections.Count);
        foreach (var connection in connections)
        {
            if (connection.Close is { } close && connection.Closed.CanBeCanceled)
            {
                closing.Add(WhenCancelled(connection.Closed));
                close();
            }
        }

        var closed = Task.WhenAll(closing).Wait(_options.ShutdownLinger);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (closed)
        {
            LogLingered(sessions, closing.Count, elapsed);
        }
        else
        {
            LogLingerExpired(sessions, closing.Count(t => !t.IsCompleted), closing.Count, elapsed);
        }
    }

    private static Task WhenCancelled(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), cancelled);
        return cancelled.Task;
    }

    /// <summary>Fallback for hosts that stop without having started the app.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => DrainAsync().WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);

    /// <summary>Graceful shutdown: no new sessions; each utterance in progress is ended and queued turns get
    /// <c>Sessions:DrainTimeout</c> to finish; then every session ends with <c>shutdown</c>.</summary>
    private async Task DrainAsync()
    {
        if (!_stopping)
        {
            _stopping = true;
            logger.LogInformation("Draining {Count} sessions", registry.Count);
        }

        foreach (var session in registry.All)
        {
            session.FlushPendingUtterance();
            RequestEnd(session, SessionEndReason.Shutdown);
        }

        await Task.WhenAll(_ending.Values);
    }

    private async Task FinishAsync(RoleplaySession session, SessionEndReason reason)
    {
        var wait = reason == SessionEndReason.Shutdown ? _options.DrainTimeout : TimeSpan.FromSeconds(10);
        try
        {
            await session.Worker.WaitAsync(wait, time);
        }
        catch (TimeoutException)
        {
            session.Stop();
            logger.LogWarning("Session {SessionId}: the pipeline did not stop within {Wait}; cancelled", session.Id, wait);
            await session.Worker.WaitAsync(TimeSpan.FromSeconds(5), time).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Session {SessionId}: the pipeline ended with an error", session.Id);
        }

        try
        {
            registry.Remove(session, reason);
            ownership.Release(session.Id); // another node may run this id now
            session.MarkEnded();
            var connection = session.Connection;
            connection?.Remove(session);
            var now = time.GetUtcNow();
            var duration = (long)(now - session.StartedAt).TotalMilliseconds;
            // The worker has stopped, so every turn is journalled: the report sees the whole drill.
            var report = coach is null ? null
                : await coach.ReportAsync(new DrillEnd(session.HistoryKey, session.UserId, session.Scenario, session.Variant, session.StartedAt, Hurry: reason == SessionEndReason.Shutdown),
                    CancellationToken.None);
            journal.SessionEnded(new SessionEndRecord(session.HistoryKey, session.Id, reason.ToWire(), session.TurnCount, now, report));
            metrics.SessionsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason.ToWire()));
            if (connection is { IsClosed: false })
            {
                await clients.SendEndedAsync(connection.ConnectionId,
                    new SessionEnd(session.Id, reason.ToWire(), session.TurnCount, duration, now.ToUnixTimeMilliseconds(), report));
            }

            LogEnded(session.Id, reason.ToWire(), session.TurnCount, duration);
        }
        finally
        {
            session.Dispose();
            _ending.TryRemove(session, out _);
        }
    }

    [LoggerMessage(LogLevel.Information, "Drained {Sessions} sessions; their {Connections} connections closed politely within {LingerMs} ms")]
    private partial void LogLingered(int sessions, int connections, long lingerMs);

    [LoggerMessage(LogLevel.Warning, "Drained {Sessions} sessions; {Open} of their {Connections} connections had not closed after {LingerMs} ms (Sessions:ShutdownLinger) and are closed without flushing")]
    private partial void LogLingerExpired(int sessions, int open, int connections, long lingerMs);

    [LoggerMessage(LogLevel.Information, "Session {SessionId} ended ({Reason}) after {Turns} turns and {DurationMs} ms")]
    private partial void LogEnded(string sessionId, string reason, int turns, long durationMs);
}
