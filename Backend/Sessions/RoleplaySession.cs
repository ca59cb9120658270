using System.Threading.Channels;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Sessions;

/// <summary>
/// One trainee's roleplay session. It owns the audio buffer and its flush rules (called from the hub, under a
/// lock), and the bounded queue that hands flushed audio, in order, to the session's pipeline worker.
/// The worker (see <see cref="TurnPipeline"/>) is the only reader of the queue, so turns stay ordered.
/// </summary>
public sealed partial class RoleplaySession : IDisposable
{
    private const int QueueCapacity = 256;

    private readonly Lock _audioGate = new();
    private readonly Lock _eventGate = new();
    private readonly TimeProvider _time;
    private readonly RoleplaySessionOptions _options;
    private readonly InputAudioBuffer _buffer;
    private readonly Channel<PipelineItem> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _idleTimer;
    private readonly int _flushBytes;
    private readonly long _maxUtteranceBytes;
    private readonly long _maxQueuedBytes;
    private readonly Queue<SessionEvent> _history = new();
    private ITimer? _graceTimer;

    // Audio state, guarded by _audioGate.
    private long _receivedBytes;
    private long _utteranceBytes;
    private bool _utteranceHasAudio;
    private bool _idleArmed;
    private long _lastAudioTimestamp;

    // Written by the worker, read by stats and the hub.
    private long _queuedBytes;
    private int _turnCount;
    private int _turnsInFlight;
    private long _lastActivityTimestamp;
    private int _state; // 0 active, 1 ending, 2 ended
    private long _lastSeq;
    private long _replayAfter;
    private bool _replaying;

    public RoleplaySession(
        string id,
        ClientConnection connection,
        Scenario scenario,
        ScenarioVariant variant,
        AudioFormat format,
        string? modelProfile,
        RoleplaySessionOptions options,
        AudioBlockPool blocks,
        TimeProvider time)
    {
        Id = id;
        UserId = connection.UserId;
        Connection = connection;
        Scenario = scenario;
        Variant = variant;
        Format = format;
        ModelProfile = modelProfile;
        _options = options;
        _time = time;
        _buffer = new InputAudioBuffer(blocks);
        StartedAt = time.GetUtcNow();
        StartedTimestamp = time.GetTimestamp();
        HistoryKey = Guid.CreateVersion7(StartedAt);
        _lastActivityTimestamp = StartedTimestamp;

        // Every format flushes after the same duration of audio: FlushBytes is defined for 16 kHz mono PCM16.
        var scale = (double)format.NominalBytesPerSecond / AudioFormat.NormalizedBytesPerSecond;
        _flushBytes = AlignDown((int)Math.Ceiling(options.FlushBytes * scale), format.IsCompressed ? 1 : format.FrameBytes);
        _maxUtteranceBytes = (long)(options.MaxUtterance.TotalSeconds * format.NominalBytesPerSecond);
        _maxQueuedBytes = (long)(options.MaxQueuedAudio.TotalSeconds * format.NominalBytesPerSecond);

        _queue = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _idleTimer = time.CreateTimer(static state => ((RoleplaySession)state!).OnIdleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Id { get; }

    /// <summary>This session instance's id in the history (its <see cref="Id"/> may be reused after it ends).</summary>
    public Guid HistoryKey { get; }

    public string UserId { get; }

    public Scenario Scenario { get; }

    public ScenarioVariant Variant { get; }

    public string Language => Variant.Language;

    public AudioFormat Format { get; }

    public string? ModelProfile { get; }

    public DateTimeOffset StartedAt { get; }

    public long StartedTimestamp { get; }

    /// <summary>scheme://host/pathBase of the request that opened the session: media URLs are made absolute with it.</summary>
    public string? MediaBaseUrl { get; init; }

    /// <summary>Whether <see cref="RoleplaySessionOptions.FlushIdle"/> without chunks ends the turn (the default), or
    /// only a commit does (start-session's <c>idleFlush: false</c>).</summary>
    public bool IdleFlush { get; init; } = true;

    /// <summary>The connection events go to; null while the client is disconnected (events are kept for replay).</summary>
    public ClientConnection? Connection { get; private set; }

    public long DetachedTimestamp { get; private set; }

    /// <summary>Input stream bytes flushed per size flush, in the session's own format (announced in audioConfig).</summary>
    public int FlushBytes => _flushBytes;

    public long ReceivedBytes
    {
        get
        {
            lock (_audioGate)
            {
                return _receivedBytes;
            }
        }
    }

    public int BufferedBytes
    {
        get
        {
            lock (_audioGate)
            {
                return _buffer.Length;
            }
        }
    }

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public int TurnCount => Volatile.Read(ref _turnCount);

    public int TurnsInFlight => Volatile.Read(ref _turnsInFlight);

    public int MaxTurns => Scenario.MaxTurns;

    public bool IsActive => Volatile.Read(ref _state) == 0;

    public SessionEndReason? EndReason { get; private set; }

    public long LastActivityTimestamp => Interlocked.Read(ref _lastActivityTimestamp);

    /// <summary>Cancelled when the session is told to stop (not on a draining shutdown until the drain times out).</summary>
    public CancellationToken Stopping => _stop.Token;

    public ChannelReader<PipelineItem> Queue => _queue.Reader;

    /// <summary>The pipeline worker's task; set by the manager when it starts the worker.</summary>
    public Task Worker { get; internal set; } = Task.CompletedTask;

    public void Touch() => Interlocked.Exchange(ref _lastActivityTimestamp, _time.GetTimestamp());

    /// <summary>
    /// Offers one chunk of the input stream at byte <paramref name="offset"/> (null = append). Duplicates are
    /// acknowledged and ignored, an overlap keeps only the new tail, a gap is refused so the client resends.
    /// </summary>
    public ChunkOutcome AcceptAudio(long? offset, ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return ChunkOutcome.Failed(ClientError.InvalidAudio("audioData is empty."));
        }

        var frame = Format.IsCompressed ? 1 : Format.FrameBytes;
        if (Format.Encoding == AudioEncoding.Pcm16 && chunk.Length % frame != 0)
        {
            return ChunkOutcome.Failed(ClientError.InvalidAudio(
                $"A pcm16 chunk must hold whole {Format.Channels}-channel frames ({frame} bytes each); {chunk.Length} bytes is not a multiple of {frame}."));
        }

        lock (_audioGate)
        {
            if (Volatile.Read(ref _state) != 0)
            {
                return ChunkOutcome.Failed(ClientError.SessionEnded(Id, EndReason?.ToWire() ?? "ending"));
            }

            var start = offset ?? _receivedBytes;
            if (Format.Encoding == AudioEncoding.Pcm16 && start % frame != 0)
            {
                return ChunkOutcome.Failed(ClientError.InvalidRequest($"offset {start} is not on a {frame}-byte frame boundary."));
            }

            // The gap first: with start at most _receivedBytes, nothing below can overflow, whatever offset was sent.
            if (start > _receivedBytes)
            {
                return ChunkOutcome.Failed(new ClientError(ErrorCodes.AudioGap,
                    $"Chunk at offset {start} leaves a gap: the next expected offset is {_receivedBytes}. Resend from there.", true));
            }

            if (_receivedBytes - start >= chunk.Length)
            {
                return ChunkOutcome.Accepted(chunk.Length, start, _receivedBytes, duplicate: true);
            }

            var fresh = chunk[(int)(_receivedBytes - start)..];
            if (Interlocked.Read(ref _queuedBytes) + _buffer.Length + fresh.Length > _maxQueuedBytes || _queue.Reader.Count >= QueueCapacity - 2)
            {
                return ChunkOutcome.Failed(new ClientError(ErrorCodes.Backpressure,
                    $"The session has {_options.MaxQueuedAudio.TotalSeconds:0} s of audio waiting to be processed; resend from offset {_receivedBytes} shortly.", true));
            }

            var now = _time.GetTimestamp();
            _buffer.Append(fresh);
            _receivedBytes += fresh.Length;
            _utteranceBytes += fresh.Length;
            _utteranceHasAudio = true;
            _lastAudioTimestamp = now;
            Interlocked.Exchange(ref _lastActivityTimestamp, now);
            if (!_idleArmed && IdleFlush)
            {
                _idleArmed = true;
                _idleTimer.Change(_options.FlushIdle, Timeout.InfiniteTimeSpan);
            }

            if (_utteranceBytes >= _maxUtteranceBytes)
            {
                FlushLocked(FlushKind.MaxUtterance, now);
            }
            else if (_buffer.Length >= _flushBytes)
            {
                FlushLocked(FlushKind.Size, now);
            }

            return ChunkOutcome.Accepted(chunk.Length, start, _receivedBytes);
        }
    }

    /// <summary>Ends the user's utterance now (push-to-talk release). A commit with no audio since the last one does nothing.</summary>
    public ClientError? Commit()
    {
        lock (_audioGate)
        {
            if (Volatile.Read(ref _state) != 0)
            {
                return ClientError.SessionEnded(Id, EndReason?.ToWire() ?? "ending");
            }

            Touch();
            if (!_utteranceHasAudio)
            {
                return null;
            }

            if (_queue.Reader.Count >= QueueCapacity - 1)
            {
                return new ClientError(ErrorCodes.Backpressure, "The session is still processing earlier audio; commit again shortly.", true);
            }

            FlushLocked(FlushKind.Commit, _time.GetTimestamp());
            return null;
        }
    }

    /// <summary>Queues a retry of the last failed turn behind any audio already queued.</summary>
    public ClientError? RequestRetry()
    {
        lock (_audioGate)
        {
            if (Volatile.Read(ref _state) != 0)
            {
                return ClientError.SessionEnded(Id, EndReason?.ToWire() ?? "ending");
            }

            Touch();
            if (_queue.Reader.Count >= QueueCapacity - 1)
            {
                return new ClientError(ErrorCodes.Backpressure, "The session is still processing earlier audio; retry shortly.", true);
            }

            FlushLocked(FlushKind.RetryTurn, _time.GetTimestamp(), keepBuffer: true);
            return null;
        }
    }

    /// <summary>Shutdown: the utterance in progress is ended now, so what the user said is still transcribed.</summary>
    internal void FlushPendingUtterance()
    {
        lock (_audioGate)
        {
            if (Volatile.Read(ref _state) == 0 && _utteranceHasAudio)
            {
                FlushLocked(FlushKind.Commit, _time.GetTimestamp());
            }
        }
    }

    /// <summary>Called by the worker when it has finished with an item.</summary>
    internal void Processed(PipelineItem item) => Interlocked.Add(ref _queuedBytes, -item.Segment.Length);

    internal void TurnStarted() => Interlocked.Increment(ref _turnsInFlight);

    internal void TurnFinished() => Interlocked.Decrement(ref _turnsInFlight);

    /// <summary>Counts an AI reply; returns the new turn count.</summary>
    internal int CountReply() => Interlocked.Increment(ref _turnCount);

    private void OnIdleTimer()
    {
        lock (_audioGate)
        {
            if (!_idleArmed || Volatile.Read(ref _state) != 0)
            {
                return;
            }

            if (Connection is null)
            {
                // The client's connection is gone: the silence is the network's, not the speaker's, and what the
                // client records meanwhile is resent after its resume. The utterance waits (the timer stays off until
                // RestartIdleFlush; the grace period ends a session whose client does not come back).
                return;
            }

            var now = _time.GetTimestamp();
            var quiet = _time.GetElapsedTime(_lastAudioTimestamp, now);
            if (quiet < _options.FlushIdle)
            {
                _idleTimer.Change(_options.FlushIdle - quiet, Timeout.InfiniteTimeSpan);
                return;
            }

            if (!_utteranceHasAudio)
            {
                _idleArmed = false;
                return;
            }

            if (_queue.Reader.Count >= QueueCapacity - 1)
            {
                _idleTimer.Change(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan); // the worker is behind; try again
                return;
            }

            FlushLocked(FlushKind.Idle, now);
        }
    }

    /// <summary>The client resumed: the idle flush counts its silence from now, not from the last chunk before the
    /// connection was lost.</summary>
    private void RestartIdleFlush()
    {
        lock (_audioGate)
        {
            _lastAudioTimestamp = _time.GetTimestamp();
            if (_idleArmed && Volatile.Read(ref _state) == 0)
            {
                _idleTimer.Change(_options.FlushIdle, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void FlushLocked(FlushKind kind, long now, bool keepBuffer = false)
    {
        var item = new PipelineItem(keepBuffer ? _buffer.Empty() : _buffer.Detach(), kind, now);
        Interlocked.Add(ref _queuedBytes, item.Segment.Length);
        if (!_queue.Writer.TryWrite(item))
        {
            // Only possible once the queue is completed (the session is ending): the audio is dropped with it.
            Interlocked.Add(ref _queuedBytes, -item.Segment.Length);
            item.Dispose();
            return;
        }

        if (item.EndOfUtterance)
        {
            _utteranceBytes = 0;
            _utteranceHasAudio = false;
            _idleArmed = false;
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    // ---- ending ------------------------------------------------------------------------------------------

    /// <summary>First caller wins: marks the session as ending with <paramref name="reason"/>.</summary>
    internal bool TryBeginEnd(SessionEndReason reason)
    {
        lock (_audioGate)
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            {
                return false;
            }

            EndReason = reason;
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _buffer.Clear();
            return true;
        }
    }

    /// <summary>Lets the worker finish what is queued (graceful shutdown), then stop.</summary>
    internal void CompleteQueue() => _queue.Writer.TryComplete();

    /// <summary>Stops the worker now: in-flight provider calls are cancelled, queued audio is dropped.</summary>
    internal void Stop()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
    }

    internal void MarkEnded() => Volatile.Write(ref _state, 2);

    public void Dispose()
    {
        _idleTimer.Dispose();
        _graceTimer?.Dispose();
        _stop.Dispose();
        while (_queue.Reader.TryRead(out var item))
        {
            item.Dispose();
        }

        lock (_audioGate)
        {
            _buffer.Clear();
        }
    }

    private static int AlignDown(int value, int alignment) => Math.Max(alignment, value - (value % alignment));
}
