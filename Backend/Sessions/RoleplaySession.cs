using System.Threading.Channels;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Sessions;

/// <summary>
/// One trainee's roleplay session: what it is (scenario, language, format), where it stands
/// (<see cref="SessionState"/>, turns), its incoming audio (<see cref="InputAudioStream"/>) and its events
/// (<see cref="SessionEventLog"/>). It is the <see cref="ITurnSession"/> its pipeline worker serves. Invariant: the
/// state only moves forward (active → ending → ended), and once ending, no audio or call is accepted.
/// </summary>
public sealed class RoleplaySession : ITurnSession, IDisposable
{
    private readonly InputAudioStream _stream;
    private readonly SessionEventLog _log;
    private readonly ISessionEnder _ender;
    private readonly RoleplaySessionOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource? _ended;
    private readonly Func<AudioFormat, string?> _warnAboutFormat;
    private int _state = (int)SessionState.Active;
    private int _turnCount;
    private int _turnsInFlight;
    private volatile bool _ackInCompletion;
    private volatile int _ackEvery = 1;
    private long _chunksSinceAckReset;

    public RoleplaySession(
        SessionIdentity identity,
        ClientConnection connection,
        RoleplaySessionOptions options,
        AudioBlockPool blocks,
        ISessionClients clients,
        ISessionEnder ender,
        TimeProvider time)
    {
        (Id, Scenario, Variant, Format, ModelProfile) = (identity.Id, identity.Scenario, identity.Variant, identity.Format, identity.ModelProfile);
        UserId = connection.UserId;
        MediaBaseUrl = connection.PublicBaseUrl;
        IdleFlush = identity.IdleFlush;
        TurnDetection = identity.TurnDetection;
        Engine = identity.Engine;
        Warnings = identity.Warnings;
        _warnAboutFormat = identity.WarnAboutFormat;
        _options = options;
        _ender = ender;
        var restored = identity.Restored;
        StartedAt = restored?.StartedAt ?? time.GetUtcNow();
        HistoryKey = restored?.HistoryKey ?? Guid.CreateVersion7(StartedAt);
        PriorTurns = restored?.Turns ?? [];
        FirstTurn = restored?.NextTurn ?? 1;
        _turnCount = restored?.Replies ?? 0;
        IsRestored = restored is not null;
        _stream = new InputAudioStream(Format, IdleFlush, TurnDetection.IsServerVad, options, blocks, time);
        _log = new SessionEventLog(Id, connection, options, clients, time, () => ender.RequestEnd(this, SessionEndReason.Disconnected), restored?.LastSeq ?? 0);
    }

    public string Id { get; }

    public Guid HistoryKey { get; }

    public string UserId { get; }

    public Scenario Scenario { get; }

    public ScenarioVariant Variant { get; }

    public string Language => Variant.Language;

    public AudioFormat Format { get; }

    public string? ModelProfile { get; }

    public DateTimeOffset StartedAt { get; }

    public string? MediaBaseUrl { get; }

    /// <summary>Whether <c>Sessions:FlushIdle</c> without chunks ends the turn (the default), or only a commit does.</summary>
    public bool IdleFlush { get; }

    /// <summary>How the attached client wants its chunks acknowledged: in each invocation's completion
    /// (<see cref="AudioAcks.Completion"/>), or by an <c>audio-received</c> for every Nth chunk (<c>audioAckEvery</c>,
    /// counted from here). Set by every start and resume, since it is the client's way.</summary>
    public void AcknowledgeChunks(bool inCompletion, int every)
    {
        _ackInCompletion = inCompletion;
        _ackEvery = every;
        Interlocked.Exchange(ref _chunksSinceAckReset, 0);
    }

    /// <summary>An accepted chunk's outcome, marked with how it is acknowledged. The count is atomic: a stream and
    /// invocations may feed one session.</summary>
    public ChunkOutcome Acknowledgement(ChunkOutcome outcome) =>
        outcome.Error is not null ? outcome
        : _ackInCompletion ? outcome with { InCompletion = true }
        : _ackEvery > 1 && Interlocked.Increment(ref _chunksSinceAckReset) % _ackEvery != 0 ? outcome with { AckDeferred = true }
        : outcome;

    /// <summary>How the user's turns end: by the client only, or also by the server's voice detection.</summary>
    public TurnDetection TurnDetection { get; }

    /// <summary><c>cascaded</c> or <c>realtime:&lt;profile&gt;</c>.</summary>
    public string Engine { get; }

    /// <summary>Reported in every <c>session-started</c>, a resume's included.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public bool SpeaksOpeningLine => _options.SpeakOpeningLine && !IsRestored; // a restored drill was opened on the lost node

    /// <summary>Restored from the history after the node that ran it was lost.</summary>
    public bool IsRestored { get; }

    public IReadOnlyList<PriorTurn> PriorTurns { get; }

    public int FirstTurn { get; }

    public ClientConnection? Connection => _log.Connection;

    public int FlushBytes => _stream.FlushBytes;

    /// <summary>How the client should stream (<c>audioConfig</c>): the declared format, or a WAV header's once read.</summary>
    public AudioSettings AudioSettings => _stream.Settings;

    public long ReceivedBytes => _stream.ReceivedBytes;

    public int BufferedBytes => _stream.BufferedBytes;

    public long QueuedBytes => _stream.QueuedBytes;

    public long LastActivityTimestamp => _stream.LastActivityTimestamp;

    public int TurnCount => Volatile.Read(ref _turnCount);

    public int TurnsInFlight => Volatile.Read(ref _turnsInFlight);

    public int MaxTurns => Scenario.MaxTurns;

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    public bool IsActive => State == SessionState.Active;

    public SessionEndReason? EndReason { get; private set; }

    public CancellationToken Stopping => _stop.Token;

    public ChannelReader<PipelineItem> Queue => _stream.Queue;

    public PlaybackReport Playback { get; } = new();

    /// <summary>The pipeline worker's task; set once when the worker starts.</summary>
    public Task Worker { get; set; } = Task.CompletedTask;

    // ---- calls from the hub (through the manager) ------------------------------------------------------------

    public ChunkOutcome AcceptAudio(long? offset, ReadOnlySpan<byte> chunk)
    {
        var outcome = _stream.Accept(offset, chunk);

        // A WAV header can reveal a rate the recogniser cannot use: the client hears of it beside the new settings,
        // as it would have in session-started had it declared the rate.
        return outcome.AudioChanged is null ? outcome : outcome with { Warning = _warnAboutFormat(_stream.Format with { HeaderDecides = false }) };
    }

    public ClientError? Commit() => _stream.Commit();

    public ClientError? RequestRetry() => _stream.RequestRetry();

    public void FlushPendingUtterance() => _stream.FlushPendingUtterance();

    public void Touch() => _stream.Touch();

    /// <summary>The connection went away: the session waits <c>Sessions:ReconnectGrace</c> for the client.</summary>
    public void Detach(ClientConnection connection)
    {
        if (_log.Detach(connection))
        {
            _stream.Suspend();
        }
    }

    /// <summary>The client resumed on <paramref name="connection"/>; returns whether it missed events (then replay them).</summary>
    public bool Attach(ClientConnection connection, long? lastSeq)
    {
        _stream.Resume(); // before the connection is set: the outage must not count as the speaker's silence
        Touch();
        return _log.Attach(connection, lastSeq);
    }

    public Task ReplayAsync(ClientConnection connection) => _log.ReplayAsync(connection);

    // ---- ITurnSession: the worker's side ----------------------------------------------------------------------

    public void Processed(PipelineItem item) => _stream.Processed(item);

    public void TurnStarted() => Interlocked.Increment(ref _turnsInFlight);

    public void TurnFinished() => Interlocked.Decrement(ref _turnsInFlight);

    public int CountReply() => Interlocked.Increment(ref _turnCount);

    public void End(SessionEndReason reason) => _ender.RequestEnd(this, reason);

    public Task EmitAsync(TurnEvent evt) => _log.EmitAsync(evt);

    public Task EmitPartialAsync(TurnEvent partial) => _log.EmitPartialAsync(partial);

    // ---- ending ---------------------------------------------------------------------------------------------

    /// <summary>First caller wins: the session is ending with <paramref name="reason"/> and takes no more input.</summary>
    public bool TryBeginEnd(SessionEndReason reason)
    {
        if (Interlocked.CompareExchange(ref _state, (int)SessionState.Ending, (int)SessionState.Active) != (int)SessionState.Active)
        {
            return false;
        }

        EndReason = reason;
        _stream.Close(ClientError.SessionEnded(Id, reason.ToWire()));
        return true;
    }

    /// <summary>Lets the worker finish what is queued (graceful shutdown), then stop.</summary>
    public void CompleteQueue() => _stream.CompleteQueue();

    /// <summary>Stops the worker now: in-flight provider calls are cancelled, queued audio is dropped. The queue is
    /// completed first: the worker waits on it without the token (<see cref="ITurnSession.Stopping"/>).</summary>
    public void Stop()
    {
        _stream.CompleteQueue();
        _stop.Cancel();
    }

    public void MarkEnded()
    {
        Volatile.Write(ref _state, (int)SessionState.Ended);
        Volatile.Read(ref _ended)?.Cancel();
    }

    /// <summary>Cancelled once the session has ended (after its worker, as its <c>session-ended</c> goes out), for
    /// a transport beside the connection that must close with it (the audio socket). Made on first use: most sessions
    /// never ask. Never disposed, so a late reader still gets a cancelled token; it holds no timer.</summary>
    public CancellationToken Ended
    {
        get
        {
            var ended = LazyInitializer.EnsureInitialized(ref _ended);
            if (Volatile.Read(ref _state) == (int)SessionState.Ended)
            {
                ended.Cancel();
            }

            return ended.Token;
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _stream.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Where a session stands; it only moves forward.</summary>
public enum SessionState
{
    Active,
    Ending,
    Ended,
}

/// <summary>What a new session is: its id, drill, format and choices, fixed for its life.</summary>
public sealed record SessionIdentity(string Id, Scenario Scenario, ScenarioVariant Variant, AudioFormat Format, string? ModelProfile, bool IdleFlush, TurnDetection TurnDetection,
    string Engine = CascadedWorkerPlan.Name)
{
    /// <summary>What the client was told at the start about its choices (a sample rate too narrow to recognise).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The engine's judgement of a format learnt later, from a WAV header.</summary>
    public Func<AudioFormat, string?> WarnAboutFormat { get; init; } = static _ => null;

    /// <summary>Where a session restored from a lost node stands; null for a new session.</summary>
    public SessionProgress? Restored { get; init; }
}

/// <summary>How far a session had come on the node that was lost, from the history: its history record, the turns it
/// completed, the persona's replies counted, the next utterance's number, and the client's last event.</summary>
public sealed record SessionProgress(Guid HistoryKey, DateTimeOffset StartedAt, IReadOnlyList<PriorTurn> Turns, int Replies, int NextTurn, long LastSeq);

/// <summary>Ends sessions: the one way a session (its worker, its grace timer) asks for its own end.</summary>
public interface ISessionEnder
{
    void RequestEnd(RoleplaySession session, SessionEndReason reason);
}
