using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Observability;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Sessions;

/// <summary>
/// Owns every session and connection of this node (a singleton). The hub hands it each call and returns at once:
/// audio is buffered here and processed by each session's worker, never awaited by the hub. It enforces ownership
/// (a user only ever sees their own sessions) and the limits, and ends sessions for every reason with a
/// <c>session-ended</c> event sent after the session's last pipeline event.
/// </summary>
public sealed partial class SessionManager : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, RoleplaySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EndedSession> _ended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RoleplaySession, Task> _ending = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly Lock _userGate = new();
    private readonly RoleplaySessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ScenarioCatalog _scenarios;
    private readonly ProviderCatalog _providers;
    private readonly IRoleplayAi _ai;
    private readonly AudioDecoderFactory _decoders;
    private readonly PipelineServices _pipeline;
    private readonly SessionNotifier _notifier;
    private readonly RoleplayMetrics _metrics;
    private readonly AudioBlockPool _blocks;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<SessionManager> _logger;
    private int _connections;
    private volatile bool _stopping;

    public SessionManager(
        IOptions<RoleplaySessionOptions> options,
        TimeProvider time,
        ScenarioCatalog scenarios,
        ProviderCatalog providers,
        IRoleplayAi ai,
        AudioDecoderFactory decoders,
        PipelineServices pipeline,
        SessionNotifier notifier,
        RoleplayMetrics metrics,
        AudioBlockPool blocks,
        IHostApplicationLifetime lifetime,
        ILogger<SessionManager> logger)
    {
        _lifetime = lifetime;
        _options = options.Value;
        _time = time;
        _scenarios = scenarios;
        _providers = providers;
        _ai = ai;
        _decoders = decoders;
        _pipeline = pipeline;
        _notifier = notifier;
        _metrics = metrics;
        _blocks = blocks;
        _logger = logger;
        pipeline.EndSession = RequestEnd;
        metrics.ObserveSessions(Gauges);
    }

    public RoleplaySessionOptions Options => _options;

    // ---- connections --------------------------------------------------------------------------------------

    public ClientConnection Connect(string connectionId, string userId, string? baseUrl)
    {
        Interlocked.Increment(ref _connections);
        return new ClientConnection(connectionId, userId, new TokenBucket(_options.ChunksPerSecond, _options.ChunkBurst, _time))
        {
            PublicBaseUrl = baseUrl,
        };
    }

    /// <summary>The connection closed: its sessions wait <see cref="RoleplaySessionOptions.ReconnectGrace"/> to be resumed.</summary>
    public void Disconnect(ClientConnection connection)
    {
        Interlocked.Decrement(ref _connections);
        connection.IsClosed = true;
        foreach (var session in connection.Sessions)
        {
            connection.Remove(session);
            if (_options.ReconnectGrace <= TimeSpan.Zero)
            {
                RequestEnd(session, SessionEndReason.Disconnected);
                continue;
            }

            session.Detach(connection, s => RequestEnd(s, SessionEndReason.Disconnected));
        }
    }

    // ---- hub calls ----------------------------------------------------------------------------------------

    public ChunkOutcome AcceptChunk(ClientConnection connection, AudioChunkRequest? request) => AcceptChunk(connection, request?.SessionId, request);

    /// <summary>Offers a chunk of <paramref name="sessionId"/>'s stream (from audio-chunk, or an item of stream-audio).</summary>
    public ChunkOutcome AcceptChunk(ClientConnection connection, string? sessionId, AudioChunkRequest? request)
    {
        if (request is null)
        {
            return ChunkOutcome.Failed(ClientError.InvalidRequest("audio-chunk needs a payload { sessionId, audioData, offset }."));
        }

        if (!connection.ChunkLimiter.TryTake())
        {
            return ChunkOutcome.Failed(new ClientError(ErrorCodes.RateLimited,
                $"More than {_options.ChunksPerSecond:0} audio chunks per second; slow down and resend from the last acknowledged offset.", true));
        }

        if (request.TooLarge || request.AudioLength > _options.MaxChunkBytes)
        {
            return ChunkOutcome.Failed(new ClientError(ErrorCodes.ChunkTooLarge,
                $"An audio chunk may hold at most {_options.MaxChunkBytes} bytes (audioConfig.maxChunkBytes); send ~{_options.ChunkMs} ms chunks.", false));
        }

        if (request.BindingError is { } bindingError)
        {
            return ChunkOutcome.Failed(bindingError.StartsWith("audioData", StringComparison.Ordinal)
                ? ClientError.InvalidAudio(bindingError)
                : ClientError.InvalidRequest($"audio-chunk: {bindingError}"));
        }

        if (FindOwned(connection, sessionId, out var session) is { } error)
        {
            return ChunkOutcome.Failed(error);
        }

        var outcome = session!.AcceptAudio(request.Offset, request.Audio);
        if (outcome.Error is null && !outcome.Duplicate)
        {
            _metrics.AudioChunks.Add(1);
            _metrics.AudioBytes.Add(outcome.AudioSize);
        }

        return outcome;
    }

    public ClientError? Commit(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return ClientError.InvalidRequest($"commit-audio: {bindingError}");
        }

        return Commit(connection, request?.SessionId);
    }

    public ClientError? Commit(ClientConnection connection, string? sessionId)
    {
        if (!connection.ChunkLimiter.TryTake())
        {
            return new ClientError(ErrorCodes.RateLimited, "Too many calls per second; commit again in a moment.", true);
        }

        return FindOwned(connection, sessionId, out var session) ?? session!.Commit();
    }

    public ClientError? Retry(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return ClientError.InvalidRequest($"retry-turn: {bindingError}");
        }

        if (!connection.ChunkLimiter.TryTake()) // like commit: each retry queues work for the session
        {
            return new ClientError(ErrorCodes.RateLimited, "Too many calls per second; retry again in a moment.", true);
        }

        return FindOwned(connection, request?.SessionId, out var session) ?? session!.RequestRetry();
    }

    public ClientError? End(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return ClientError.InvalidRequest($"end-session: {bindingError}");
        }

        if (FindOwned(connection, request?.SessionId, out var session, requireAttached: false) is { } error)
        {
            return error;
        }

        RequestEnd(session!, SessionEndReason.Client);
        return null;
    }

    // ---- stats --------------------------------------------------------------------------------------------

    public SessionStats GetStats()
    {
        int active = 0, inFlight = 0, detached = 0;
        long buffered = 0, queued = 0;
        foreach (var session in _sessions.Values)
        {
            active++;
            buffered += session.BufferedBytes;
            queued += session.QueuedBytes;
            inFlight += session.TurnsInFlight;
            detached += session.Connection is null ? 1 : 0;
        }

        return new SessionStats(active, detached, Volatile.Read(ref _connections), buffered, queued, inFlight, _blocks.Outstanding * AudioBlockPool.BlockSize);
    }

    /// <summary>For stream-audio: the caller's session's stop signal (the stream ends with the session), or why the
    /// caller cannot stream to it.</summary>
    public ClientError? FindForStream(ClientConnection connection, string? sessionId, out CancellationToken stopping)
    {
        stopping = default;
        var error = FindOwned(connection, sessionId, out var session);
        if (error is null)
        {
            stopping = session!.Stopping;
        }

        return error;
    }

    private SessionGauges Gauges()
    {
        var stats = GetStats();
        return new SessionGauges(stats.ActiveSessions, stats.BufferedBytes + stats.QueuedBytes, stats.TurnsInFlight, stats.Connections);
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private ClientError? FindOwned(ClientConnection connection, string? sessionId, out RoleplaySession? session, bool requireAttached = true)
    {
        session = null;
        if (string.IsNullOrEmpty(sessionId))
        {
            return ClientError.InvalidRequest("sessionId is required.");
        }

        if (!_sessions.TryGetValue(sessionId, out var found) || found.UserId != connection.UserId)
        {
            // Another user's session is reported exactly like a missing one: ids never leak across users.
            return _ended.TryGetValue(sessionId, out var ended) && ended.UserId == connection.UserId
                ? ClientError.SessionEnded(sessionId, ended.Reason)
                : ClientError.SessionNotFound(sessionId);
        }

        if (!found.IsActive)
        {
            return ClientError.SessionEnded(sessionId, found.EndReason?.ToWire() ?? "ending");
        }

        if (requireAttached && !ReferenceEquals(found.Connection, connection))
        {
            return new ClientError(ErrorCodes.SessionNotAttached,
                $"Session {ClientError.Echo(sessionId)} is not attached to this connection; call start-session with this sessionId to resume it here.", false);
        }

        session = found;
        return null;
    }

    private ClientError? ReserveUserSlot(string userId)
    {
        lock (_userGate)
        {
            var count = _perUser.GetValueOrDefault(userId);
            if (count >= _options.MaxSessionsPerUser)
            {
                return new ClientError(ErrorCodes.SessionLimit,
                    $"You already have {count} open sessions (the limit is {_options.MaxSessionsPerUser}); end one first.", false);
            }

            if (_sessions.Count >= _options.MaxSessions)
            {
                return new ClientError(ErrorCodes.ServerBusy, $"The server is at its limit of {_options.MaxSessions} sessions; try again shortly.", true);
            }

            _perUser[userId] = count + 1;
            return null;
        }
    }

    private void ReleaseUserSlot(string userId)
    {
        lock (_userGate)
        {
            var count = _perUser.GetValueOrDefault(userId) - 1;
            if (count <= 0)
            {
                _perUser.Remove(userId);
            }
            else
            {
                _perUser[userId] = count;
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex SessionIdPattern();

    [LoggerMessage(LogLevel.Information, "Session {SessionId} started by {UserId}: scenario {ScenarioId}, {Language}, {Format}")]
    private partial void LogStarted(string sessionId, string userId, string scenarioId, string language, string format);

    [LoggerMessage(LogLevel.Information, "Session {SessionId} resumed at byte {ReceivedBytes}")]
    private partial void LogResumed(string sessionId, long receivedBytes);

    [LoggerMessage(LogLevel.Information, "Session {SessionId} ended ({Reason}) after {Turns} turns and {DurationMs} ms")]
    private partial void LogEnded(string sessionId, string reason, int turns, long durationMs);

    private sealed record EndedSession(string UserId, string Reason, long EndedTimestamp);
}

/// <summary>Either the <c>session-started</c> payload or the error that refused the session.</summary>
public readonly record struct StartOutcome(SessionStartedEvent? Started, ClientError? Error)
{
    public static implicit operator StartOutcome(SessionStartedEvent started) => new(started, null);

    public static implicit operator StartOutcome(ClientError error) => new(null, error);
}

/// <summary>A snapshot of the node's sessions, served by <c>GET /api/stats</c>.</summary>
public sealed record SessionStats(
    int ActiveSessions,
    int DetachedSessions,
    int Connections,
    long BufferedBytes,
    long QueuedBytes,
    int TurnsInFlight,
    long PooledAudioBytes);
