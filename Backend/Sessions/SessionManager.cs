using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Observability;

namespace RoleplayHub.Sessions;

/// <summary>
/// The session layer's face to the hub: each call is checked (rate, size, ownership) and handed to the session or
/// to the starter and ender, and returns at once — audio is buffered here and processed by each session's worker,
/// never awaited by the hub. Connections and their sessions are tracked here.
/// </summary>
public sealed class SessionManager : IDisposable
{
    private readonly SessionRegistry _registry;
    private readonly SessionStarter _starter;
    private readonly SessionEnder _ender;
    private readonly RoleplaySessionOptions _options;
    private readonly TimeProvider _time;
    private readonly RoleplayMetrics _metrics;
    private readonly AudioBlockPool _blocks;
    private readonly ISessionOwnership _ownership;
    private readonly NodeAdmission _admission;
    private readonly ConcurrentDictionary<ClientConnection, byte> _open = new();
    private int _connections;

    public SessionManager(SessionRegistry registry, SessionStarter starter, SessionEnder ender, IOptions<RoleplaySessionOptions> options,
        TimeProvider time, RoleplayMetrics metrics, AudioBlockPool blocks, ISessionOwnership ownership, NodeAdmission admission)
    {
        (_registry, _starter, _ender, _options, _time, _metrics, _blocks, _ownership, _admission) = (registry, starter, ender, options.Value, time, metrics, blocks, ownership, admission);
        metrics.ObserveSessions(Gauges);
        metrics.ObserveNodeLoad(() => admission.Load, () => admission.Wait);
    }

    public RoleplaySessionOptions Options => _options;

    public ClientConnection Connect(string connectionId, string userId, string? baseUrl, Action? close = null, CancellationToken closed = default)
    {
        Interlocked.Increment(ref _connections);
        var connection = new ClientConnection(connectionId, userId, new TokenBucket(_options.ChunksPerSecond, _options.ChunkBurst, _time))
        {
            PublicBaseUrl = baseUrl,
            Close = close,
            Closed = closed,
        };
        _open.TryAdd(connection, 0);
        return connection;
    }

    /// <summary>The connections of <paramref name="userId"/> open on this node.</summary>
    public IEnumerable<ClientConnection> ConnectionsOf(string userId) => _open.Keys.Where(c => c.UserId == userId);

    /// <summary>The sessions of <paramref name="userId"/> running on this node.</summary>
    public IEnumerable<RoleplaySession> SessionsOf(string userId) => _registry.All.Where(s => s.UserId == userId && s.IsActive);

    /// <summary>The connection closed: its sessions wait <c>Sessions:ReconnectGrace</c> to be resumed.</summary>
    public void Disconnect(ClientConnection connection)
    {
        Interlocked.Decrement(ref _connections);
        _open.TryRemove(connection, out _);
        connection.IsClosed = true;
        foreach (var session in connection.Sessions)
        {
            connection.Remove(session);
            if (_options.ReconnectGrace <= TimeSpan.Zero)
            {
                _ender.RequestEnd(session, SessionEndReason.Disconnected);
                continue;
            }

            session.Detach(connection);
        }
    }

    public Task<StartOutcome> StartSessionAsync(ClientConnection connection, StartRequest request) => _starter.StartAsync(connection, request);

    /// <summary>
    /// Moves the caller's open session to <paramref name="connection"/> and replays its events after
    /// <paramref name="lastSeq"/> (the HTTP event stream): <c>start-session</c> with only <c>sessionId</c> and
    /// <c>lastSeq</c>, so it never opens a new session. A session this node knows is refused as every other call refuses
    /// it (<c>session-not-found</c>, another user's included, or <c>session-ended</c>); one it does not is answered as the
    /// hub's resume answers it: from the history, or restored here when its node was lost.
    /// </summary>
    public Task<StartOutcome> ResumeAsync(ClientConnection connection, string? sessionId, long lastSeq) =>
        _registry.FindOwned(connection, sessionId, out _, requireAttached: false) is { } error && KnownHere(sessionId)
            ? Task.FromResult<StartOutcome>(error)
            : _starter.StartAsync(connection, new StartRequest(sessionId, null, null, false, null, null, null, lastSeq, null, null, null));

    private bool KnownHere(string? sessionId) =>
        sessionId is null || _registry.TryGet(sessionId, out _) || _registry.TryGetEnded(sessionId, out _, out _);

    /// <summary>Offers a chunk of <paramref name="sessionId"/>'s stream (from audio-chunk, or an item of stream-audio).</summary>
    public ChunkOutcome AcceptChunk(ClientConnection connection, string? sessionId, IncomingChunk chunk)
    {
        if (!connection.ChunkLimiter.TryTake())
        {
            return ChunkOutcome.Failed(new ClientError(ErrorCodes.RateLimited,
                $"More than {_options.ChunksPerSecond:0} audio chunks per second; slow down and resend from the last acknowledged offset.", true));
        }

        if (chunk.TooLarge || chunk.Audio.Length > _options.MaxChunkBytes)
        {
            return ChunkOutcome.Failed(new ClientError(ErrorCodes.ChunkTooLarge,
                $"An audio chunk may hold at most {_options.MaxChunkBytes} bytes (audioConfig.maxChunkBytes); send ~{_options.ChunkMs} ms chunks.", false));
        }

        if (chunk.BindingError is { } bindingError)
        {
            return ChunkOutcome.Failed(bindingError.StartsWith("audioData", StringComparison.Ordinal)
                ? ClientError.InvalidAudio(bindingError)
                : ClientError.InvalidRequest($"audio-chunk: {bindingError}"));
        }

        if (_registry.FindOwned(connection, sessionId, out var session) is { } error)
        {
            return ChunkOutcome.Failed(error);
        }

        var outcome = session!.AcceptAudio(chunk.Offset, chunk.Audio);
        if (outcome.Error is null && !outcome.Duplicate)
        {
            _metrics.AudioChunks.Add(1);
            _metrics.AudioBytes.Add(outcome.AudioSize);
        }

        return session.Acknowledgement(outcome);
    }

    public ClientError? Commit(ClientConnection connection, string? sessionId) =>
        !connection.ChunkLimiter.TryTake()
            ? new ClientError(ErrorCodes.RateLimited, "Too many calls per second; commit again in a moment.", true)
            : _registry.FindOwned(connection, sessionId, out var session) ?? session!.Commit();

    /// <summary>Runs the latest turn again from the step that failed; rate-limited like a commit (each queues work).</summary>
    public ClientError? Retry(ClientConnection connection, string? sessionId) =>
        !connection.ChunkLimiter.TryTake()
            ? new ClientError(ErrorCodes.RateLimited, "Too many calls per second; retry again in a moment.", true)
            : _registry.FindOwned(connection, sessionId, out var session) ?? session!.RequestRetry();

    /// <summary>The client's playback position in the persona's reply; rate-limited like a chunk.</summary>
    public ClientError? ReportPlayback(ClientConnection connection, string? sessionId, int turn, int segment, int playedMs)
    {
        if (!connection.ChunkLimiter.TryTake())
        {
            return new ClientError(ErrorCodes.RateLimited, "Too many calls per second; report playback less often.", true);
        }

        if (_registry.FindOwned(connection, sessionId, out var session) is { } error)
        {
            return error;
        }

        session!.Playback.Report(turn, segment, playedMs, _time.GetTimestamp());
        return null;
    }

    public ClientError? End(ClientConnection connection, string? sessionId)
    {
        if (_registry.FindOwned(connection, sessionId, out var session, requireAttached: false) is { } error)
        {
            return error;
        }

        _ender.RequestEnd(session!, SessionEndReason.Client);
        return null;
    }

    /// <summary>An admin ends <paramref name="sessionId"/>, whoever's it is: here if this node runs it, else by asking
    /// the node that owns it (scale-out).</summary>
    public async Task<AdminEndOutcome> EndByAdminAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (EndHere(sessionId, SessionEndReason.Admin))
        {
            return AdminEndOutcome.Ended;
        }

        return await _ownership.RequestEndElsewhereAsync(sessionId, cancellationToken) switch
        {
            EndForwarding.Sent => AdminEndOutcome.SentToOwner,
            EndForwarding.Unavailable => AdminEndOutcome.OwnerUnreachable,
            _ => AdminEndOutcome.NotFound,
        };
    }

    /// <summary>Ends <paramref name="sessionId"/> if this node runs it (an admin's end forwarded by another node, a
    /// lease lost to another node); false when it does not.</summary>
    public bool EndHere(string sessionId, SessionEndReason reason)
    {
        if (!_registry.TryGet(sessionId, out var session) || !session!.IsActive)
        {
            return false;
        }

        _ender.RequestEnd(session, reason);
        return true;
    }

    /// <summary>The ids of the sessions this node runs (their leases are renewed while they live).</summary>
    public IEnumerable<string> RunningSessionIds => _registry.All.Where(s => s.IsActive).Select(s => s.Id);

    /// <summary>For stream-audio: the caller's session's stop signal (the stream ends with the session), or why the
    /// caller cannot stream to it.</summary>
    public ClientError? FindForStream(ClientConnection connection, string? sessionId, out CancellationToken stopping)
    {
        stopping = default;
        var error = _registry.FindOwned(connection, sessionId, out var session);
        if (error is null)
        {
            stopping = session!.Stopping;
        }

        return error;
    }

    /// <summary>For a transport beside the hub's connection (the audio socket): the user's active session and the
    /// connection it is attached to, whose limits the transport's calls share, and a token cancelled once it has ended.</summary>
    public ClientError? FindAttached(string userId, string? sessionId, out ClientConnection? connection, out CancellationToken ended)
    {
        connection = null;
        ended = default;
        var error = _registry.FindActive(userId, sessionId, out var session);
        if (error is not null)
        {
            return error;
        }

        connection = session!.Connection;
        if (connection is null)
        {
            return new ClientError(ErrorCodes.SessionNotAttached,
                $"Session {ClientError.Echo(sessionId)} has no connection (its client is away); resume it with start-session first.", false);
        }

        ended = session.Ended;
        return null;
    }

    public SessionStats GetStats()
    {
        int active = 0, inFlight = 0, detached = 0;
        long buffered = 0, queued = 0;
        foreach (var session in _registry.All)
        {
            active++;
            buffered += session.BufferedBytes;
            queued += session.QueuedBytes;
            inFlight += session.TurnsInFlight;
            detached += session.Connection is null ? 1 : 0;
        }

        return new SessionStats(active, detached, Volatile.Read(ref _connections), buffered, queued, inFlight, _blocks.Outstanding * AudioBlockPool.BlockSize,
            _admission.Load, _admission.Allowance, _admission.Wait, _admission.Admitting);
    }

    public void Dispose()
    {
        foreach (var session in _registry.All)
        {
            session.Dispose();
        }
    }

    private SessionGauges Gauges()
    {
        var stats = GetStats();
        return new SessionGauges(stats.ActiveSessions, stats.BufferedBytes + stats.QueuedBytes, stats.TurnsInFlight, stats.Connections);
    }
}

/// <summary>A snapshot of the node's sessions, served by <c>GET /api/stats</c>.</summary>
public sealed record SessionStats(
    int ActiveSessions,
    int DetachedSessions,
    int Connections,
    long BufferedBytes,
    long QueuedBytes,
    int TurnsInFlight,
    long PooledAudioBytes,
    double CpuLoad,
    double CpuAllowance,
    double? CpuWait,
    bool AdmittingSessions);

/// <summary>What an admin's end did: ended here, sent to the node that runs the session, found nowhere, or the other
/// nodes could not be asked.</summary>
public enum AdminEndOutcome
{
    Ended,
    SentToOwner,
    NotFound,
    OwnerUnreachable,
}
