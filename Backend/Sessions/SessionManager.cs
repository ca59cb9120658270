using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Observability;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
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
    private readonly ProviderRouter _providers;
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
        ProviderRouter providers,
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

    public async Task<StartOutcome> StartSessionAsync(ClientConnection connection, StartSessionRequest? request)
    {
        if (_stopping)
        {
            return new HubError(ErrorCodes.ServerBusy, "The service is shutting down; reconnect in a moment.", true);
        }

        if (request is null)
        {
            return HubError.InvalidRequest("start-session needs a payload such as { \"scenarioId\": \"procurement-price\" }.");
        }

        if (request.BindingError is { } bindingError)
        {
            return HubError.InvalidRequest($"start-session: {bindingError}");
        }

        if (request.SessionId is { } requestedId)
        {
            if (!SessionIdPattern().IsMatch(requestedId))
            {
                return HubError.InvalidRequest("sessionId must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.");
            }

            if (_sessions.TryGetValue(requestedId, out var existing))
            {
                return existing.UserId == connection.UserId
                    ? await ResumeAsync(existing, connection, request)
                    : new HubError(ErrorCodes.SessionExists, $"sessionId '{requestedId}' is already in use; choose another or omit it.", false);
            }

            if (_ended.TryGetValue(requestedId, out var ended))
            {
                return ended.UserId == connection.UserId
                    ? HubError.SessionEnded(requestedId, ended.Reason)
                    : new HubError(ErrorCodes.SessionExists, $"sessionId '{requestedId}' is already in use; choose another or omit it.", false);
            }
        }

        var scenario = _scenarios.Find(request.ScenarioId);
        if (scenario is null)
        {
            var available = string.Join(", ", _scenarios.All.Select(s => s.Id).Order());
            return new HubError(ErrorCodes.UnknownScenario,
                request.ScenarioId is null ? $"scenarioId is required. Available: {available}." : $"Unknown scenarioId '{request.ScenarioId}'. Available: {available}.", false);
        }

        var language = string.IsNullOrWhiteSpace(request.Language) ? scenario.DefaultLanguage : request.Language.Trim();
        var variant = scenario.FindVariant(language);
        if (variant is null)
        {
            return new HubError(ErrorCodes.UnsupportedLanguage,
                $"Scenario '{scenario.Id}' is not available in {language}; it is available in {string.Join(", ", scenario.Variants.Keys)}.", false);
        }

        var stt = _providers.FindSpeechToText(variant.Language, out var sttError);
        if (stt is null)
        {
            return new HubError(ErrorCodes.UnsupportedLanguage, sttError, false);
        }

        var tts = _providers.FindAvatarSpeech(variant.Language, out var ttsError);
        if (tts is null)
        {
            return new HubError(ErrorCodes.UnsupportedLanguage, ttsError, false);
        }

        if (!AudioFormat.TryParse(request.AudioFormat, out var format, out var formatError))
        {
            return new HubError(ErrorCodes.UnsupportedAudioFormat, formatError, false);
        }

        var decoder = _decoders.Create(format, out var decoderError);
        if (decoder is null)
        {
            return new HubError(ErrorCodes.UnsupportedAudioFormat, decoderError, false);
        }

        if (ReserveUserSlot(connection.UserId) is { } limitError)
        {
            await decoder.DisposeAsync();
            return limitError;
        }

        var id = request.SessionId ?? Guid.CreateVersion7().ToString();
        ISpeechRecognizer recognizer;
        try
        {
            recognizer = stt.CreateRecognizer(new RecognizerRequest(id, variant.Language, variant.Phrases, variant.Grammar));
        }
        catch (SpeechCapacityException ex)
        {
            ReleaseUserSlot(connection.UserId);
            await decoder.DisposeAsync();
            return new HubError(ErrorCodes.SttUnavailable, ex.Message, true);
        }

        var session = new RoleplaySession(id, connection, scenario, variant, format, request.ModelProfile, _options, _blocks, _time)
        {
            MediaBaseUrl = connection.PublicBaseUrl,
        };
        if (!_sessions.TryAdd(id, session))
        {
            ReleaseUserSlot(connection.UserId);
            await recognizer.DisposeAsync();
            await decoder.DisposeAsync();
            session.Dispose();
            return new HubError(ErrorCodes.SessionExists, $"sessionId '{id}' is already in use; choose another or omit it.", false);
        }

        IRoleplayConversation conversation;
        try
        {
            conversation = _ai.StartConversation(new ConversationSetup(id, scenario, variant, request.ModelProfile));
        }
        catch (Exception ex)
        {
            // Nothing of the half-made session may linger: a bug here must not leak a decoder or a user's slot.
            _sessions.TryRemove(id, out _);
            ReleaseUserSlot(connection.UserId);
            await recognizer.DisposeAsync();
            await decoder.DisposeAsync();
            session.Dispose();
            if (ex is AiProviderException provider)
            {
                return new HubError(ErrorCodes.AiFailed, provider.Message, provider.Retryable);
            }

            throw;
        }

        connection.Add(session);
        _pipeline.Journal.SessionStarted(new SessionStartRecord(
            session.HistoryKey,
            id, connection.UserId, scenario.Id, variant.Persona.Name, variant.Language, format.WireName, request.ModelProfile, session.StartedAt, format.SampleRate, format.Channels));
        _metrics.SessionsStarted.Add(1);

        var started = Describe(session, resumed: false);
        await _notifier.SendSessionStartedAsync(connection.ConnectionId, started);

        // Only now does the worker start, so session-started reaches the client before the opening line.
        var pipeline = new TurnPipeline(session, decoder, recognizer, tts, conversation, _pipeline);
        session.Worker = Task.Run(pipeline.RunAsync);
        LogStarted(id, connection.UserId, scenario.Id, variant.Language, format.WireName);
        return started;
    }

    public ChunkOutcome AcceptChunk(ClientConnection connection, AudioChunkRequest? request) => AcceptChunk(connection, request?.SessionId, request);

    /// <summary>Offers a chunk of <paramref name="sessionId"/>'s stream (from audio-chunk, or an item of stream-audio).</summary>
    public ChunkOutcome AcceptChunk(ClientConnection connection, string? sessionId, AudioChunkRequest? request)
    {
        if (request is null)
        {
            return ChunkOutcome.Failed(HubError.InvalidRequest("audio-chunk needs a payload { sessionId, audioData, offset }."));
        }

        if (!connection.ChunkLimiter.TryTake())
        {
            return ChunkOutcome.Failed(new HubError(ErrorCodes.RateLimited,
                $"More than {_options.ChunksPerSecond:0} audio chunks per second; slow down and resend from the last acknowledged offset.", true));
        }

        if (request.TooLarge || request.AudioLength > _options.MaxChunkBytes)
        {
            return ChunkOutcome.Failed(new HubError(ErrorCodes.ChunkTooLarge,
                $"An audio chunk may hold at most {_options.MaxChunkBytes} bytes (audioConfig.maxChunkBytes); send ~{_options.ChunkMs} ms chunks.", false));
        }

        if (request.BindingError is { } bindingError)
        {
            return ChunkOutcome.Failed(bindingError.StartsWith("audioData", StringComparison.Ordinal)
                ? HubError.InvalidAudio(bindingError)
                : HubError.InvalidRequest($"audio-chunk: {bindingError}"));
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

    public HubError? Commit(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return HubError.InvalidRequest($"commit-audio: {bindingError}");
        }

        return Commit(connection, request?.SessionId);
    }

    public HubError? Commit(ClientConnection connection, string? sessionId)
    {
        if (!connection.ChunkLimiter.TryTake())
        {
            return new HubError(ErrorCodes.RateLimited, "Too many calls per second; commit again in a moment.", true);
        }

        return FindOwned(connection, sessionId, out var session) ?? session!.Commit();
    }

    public HubError? Retry(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return HubError.InvalidRequest($"retry-turn: {bindingError}");
        }

        return FindOwned(connection, request?.SessionId, out var session) ?? session!.RequestRetry();
    }

    public HubError? End(ClientConnection connection, SessionRequest? request)
    {
        if (request?.BindingError is { } bindingError)
        {
            return HubError.InvalidRequest($"end-session: {bindingError}");
        }

        if (FindOwned(connection, request?.SessionId, out var session, requireAttached: false) is { } error)
        {
            return error;
        }

        RequestEnd(session!, SessionEndReason.Client);
        return null;
    }

    // ---- ending -------------------------------------------------------------------------------------------

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

    public RoleplaySession? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    private SessionGauges Gauges()
    {
        var stats = GetStats();
        return new SessionGauges(stats.ActiveSessions, stats.BufferedBytes + stats.QueuedBytes, stats.TurnsInFlight, stats.Connections);
    }

    // ---- hosting ------------------------------------------------------------------------------------------

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

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<StartOutcome> ResumeAsync(RoleplaySession session, ClientConnection connection, StartSessionRequest request)
    {
        if (!session.IsActive)
        {
            return HubError.SessionEnded(session.Id, session.EndReason?.ToWire() ?? "ending");
        }

        if (request.ScenarioId is not null && request.ScenarioId != session.Scenario.Id)
        {
            return HubError.InvalidRequest($"Session '{session.Id}' is a '{session.Scenario.Id}' session; resume it without a different scenarioId.");
        }

        if (request.AudioFormat is not null && (!AudioFormat.TryParse(request.AudioFormat, out var format, out _) || format != session.Format))
        {
            return HubError.InvalidRequest($"Session '{session.Id}' streams {session.Format.WireName} at {session.Format.SampleRate} Hz; resume it with the same audioFormat.");
        }

        var previous = session.Connection;
        if (previous is not null && !ReferenceEquals(previous, connection))
        {
            previous.Remove(session);
            if (!previous.IsClosed)
            {
                _ = _notifier.SendDirectErrorAsync(previous.ConnectionId, session.Id,
                    new HubError(ErrorCodes.SessionNotAttached, "This session was resumed on another connection.", false));
            }
        }

        var replay = session.Attach(connection, request.LastSeq);
        connection.Add(session);
        var started = Describe(session, resumed: true);
        await _notifier.SendSessionStartedAsync(connection.ConnectionId, started);
        if (replay)
        {
            _ = _notifier.ReplayAsync(session, connection);
        }

        LogResumed(session.Id, session.ReceivedBytes);
        return started;
    }

    private HubError? FindOwned(ClientConnection connection, string? sessionId, out RoleplaySession? session, bool requireAttached = true)
    {
        session = null;
        if (string.IsNullOrEmpty(sessionId))
        {
            return HubError.InvalidRequest("sessionId is required.");
        }

        if (!_sessions.TryGetValue(sessionId, out var found) || found.UserId != connection.UserId)
        {
            // Another user's session is reported exactly like a missing one: ids never leak across users.
            return _ended.TryGetValue(sessionId, out var ended) && ended.UserId == connection.UserId
                ? HubError.SessionEnded(sessionId, ended.Reason)
                : HubError.SessionNotFound(sessionId);
        }

        if (!found.IsActive)
        {
            return HubError.SessionEnded(sessionId, found.EndReason?.ToWire() ?? "ending");
        }

        if (requireAttached && !ReferenceEquals(found.Connection, connection))
        {
            return new HubError(ErrorCodes.SessionNotAttached,
                $"Session '{sessionId}' is not attached to this connection; call start-session with this sessionId to resume it here.", false);
        }

        session = found;
        return null;
    }

    private HubError? ReserveUserSlot(string userId)
    {
        lock (_userGate)
        {
            var count = _perUser.GetValueOrDefault(userId);
            if (count >= _options.MaxSessionsPerUser)
            {
                return new HubError(ErrorCodes.SessionLimit,
                    $"You already have {count} open sessions (the limit is {_options.MaxSessionsPerUser}); end one first.", false);
            }

            if (_sessions.Count >= _options.MaxSessions)
            {
                return new HubError(ErrorCodes.ServerBusy, $"The server is at its limit of {_options.MaxSessions} sessions; try again shortly.", true);
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

    private SessionStartedEvent Describe(RoleplaySession session, bool resumed)
    {
        var persona = session.Variant.Persona;
        var voice = persona.Voice.Espeak ?? persona.Voice.Aliyun ?? persona.Voice.Gender;
        return new SessionStartedEvent(
            session.Id,
            session.Scenario.Id,
            session.Language,
            session.MaxTurns,
            new PersonaInfo(persona.Name, persona.Role, persona.Description, voice),
            new AudioConfig(session.Format.WireName, session.Format.SampleRate, session.Format.Channels, _options.ChunkMs,
                _options.MaxChunkBytes, session.FlushBytes, (int)_options.FlushIdle.TotalMilliseconds),
            resumed,
            session.ReceivedBytes,
            session.TurnCount,
            _notifier.Now);
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
public readonly record struct StartOutcome(SessionStartedEvent? Started, HubError? Error)
{
    public static implicit operator StartOutcome(SessionStartedEvent started) => new(started, null);

    public static implicit operator StartOutcome(HubError error) => new(null, error);
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
