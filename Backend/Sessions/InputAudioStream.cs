using System.Threading.Channels;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// A session's incoming audio and its flush rules. Invariant, under one lock: bytes [0, <see cref="ReceivedBytes"/>)
/// of the client's stream were each accepted exactly once; those not yet flushed are in the buffer, the rest were
/// handed to the worker's queue in order, as segments (size flushes) and utterance ends (commit, idle, maximum
/// length). A chunk the session cannot take is refused, never dropped. Called from the hub (accept, commit, retry)
/// and from the idle timer; the worker only reads the queue.
/// </summary>
internal sealed class InputAudioStream : IDisposable
{
    private readonly Lock _gate = new();
    private readonly RoleplaySessionOptions _options;
    private readonly TimeProvider _time;
    private readonly InputAudioBuffer _buffer;
    private readonly TurnQueue _queue = new();
    private readonly ITimer _idleTimer;
    private readonly bool _idleFlush;
    private readonly bool _serverVad;
    private AudioFormat _format;
    private long _maxUtteranceBytes;
    private long _maxQueuedBytes;
    private byte[]? _wavHead; // the stream's first bytes while a WAV header is to decide the format
    private int _wavHeadCount;
    private long _receivedBytes;
    private long _utteranceBytes;
    private bool _utteranceHasAudio;
    private bool _idleArmed;
    private bool _detached;
    private ClientError? _closed;
    private long _lastAudioTimestamp;
    private long _lastActivityTimestamp;

    public InputAudioStream(AudioFormat format, bool idleFlush, bool serverVad, RoleplaySessionOptions options, AudioBlockPool blocks, TimeProvider time)
    {
        _format = format;
        _idleFlush = idleFlush;
        _serverVad = serverVad;
        _options = options;
        _time = time;
        _buffer = new InputAudioBuffer(blocks);
        _lastActivityTimestamp = time.GetTimestamp();
        _wavHead = format.HeaderDecides ? new byte[WavHeaderProbe.MaxHeaderBytes] : null;
        SizeFor(format);
        _idleTimer = time.CreateTimer(static state => ((InputAudioStream)state!).OnIdleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Input stream bytes per size flush, in the session's own format (for a WAV stream declared without a
    /// rate and channels, the format its header gives, once read).</summary>
    public int FlushBytes { get; private set; }

    /// <summary>The format the stream is sized for: the declared one, or a WAV header's once read.</summary>
    public AudioFormat Format
    {
        get
        {
            lock (_gate)
            {
                return _format;
            }
        }
    }

    /// <summary>How the client should stream, as <c>audioConfig</c> reports it.</summary>
    public AudioSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return SettingsLocked();
            }
        }
    }

    public ChannelReader<PipelineItem> Queue => _queue.Reader;

    public long ReceivedBytes
    {
        get
        {
            lock (_gate)
            {
                return _receivedBytes;
            }
        }
    }

    public int BufferedBytes
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Length;
            }
        }
    }

    public long QueuedBytes => _queue.QueuedBytes;

    public long LastActivityTimestamp => Interlocked.Read(ref _lastActivityTimestamp);

    public void Touch() => Interlocked.Exchange(ref _lastActivityTimestamp, _time.GetTimestamp());

    /// <summary>
    /// Offers one chunk at byte <paramref name="offset"/> (null = append). Duplicates are acknowledged and ignored, an
    /// overlap keeps only the new tail, a gap is refused so the client resends.
    /// </summary>
    public ChunkOutcome Accept(long? offset, ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return ChunkOutcome.Failed(ClientError.InvalidAudio("audioData is empty."));
        }

        var frame = _format.IsCompressed ? 1 : _format.FrameBytes;
        if (_format.Encoding == AudioEncoding.Pcm16 && chunk.Length % frame != 0)
        {
            return ChunkOutcome.Failed(ClientError.InvalidAudio(
                $"A pcm16 chunk must hold whole {_format.Channels}-channel frames ({frame} bytes each); {chunk.Length} bytes is not a multiple of {frame}."));
        }

        lock (_gate)
        {
            if (_closed is { } closed)
            {
                return ChunkOutcome.Failed(closed);
            }

            var start = offset ?? _receivedBytes;
            if (_format.Encoding == AudioEncoding.Pcm16 && start % frame != 0)
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
            if (_queue.QueuedBytes + _buffer.Length + fresh.Length > _maxQueuedBytes || _queue.Count >= TurnQueue.Capacity - 2)
            {
                return ChunkOutcome.Failed(new ClientError(ErrorCodes.Backpressure,
                    $"The session has {_options.MaxQueuedAudio.TotalSeconds:0} s of audio waiting to be processed; resend from offset {_receivedBytes} shortly.", true));
            }

            var now = _time.GetTimestamp();
            _buffer.Append(fresh);
            var formatLearned = _wavHead is not null && ReadWavHeaderLocked(fresh);
            _receivedBytes += fresh.Length;
            _utteranceBytes += fresh.Length;
            _utteranceHasAudio = true;
            _lastAudioTimestamp = now;
            Interlocked.Exchange(ref _lastActivityTimestamp, now);
            if (!_idleArmed && _idleFlush)
            {
                _idleArmed = true;
                _idleTimer.Change(_options.FlushIdle, Timeout.InfiniteTimeSpan);
            }

            if (_utteranceBytes >= _maxUtteranceBytes)
            {
                FlushLocked(FlushKind.MaxUtterance, now);
            }
            else if (_buffer.Length >= FlushBytes)
            {
                FlushLocked(FlushKind.Size, now);
            }

            return ChunkOutcome.Accepted(chunk.Length, start, _receivedBytes) with { AudioChanged = formatLearned ? SettingsLocked() : null };
        }
    }

    /// <summary>Collects the stream's first bytes until the WAV header gives the rate and channels, then sizes the
    /// flushes and limits for them: 1.024 s of audio per size flush whatever the file's format. Stops looking once the
    /// header is read or cannot be (the decoder then reports what is wrong).</summary>
    private bool ReadWavHeaderLocked(ReadOnlySpan<byte> fresh)
    {
        var take = Math.Min(fresh.Length, _wavHead!.Length - _wavHeadCount);
        fresh[..take].CopyTo(_wavHead.AsSpan(_wavHeadCount));
        _wavHeadCount += take;
        var header = WavHeaderProbe.Read(_wavHead.AsSpan(0, _wavHeadCount), out var needMore);
        if (header is null && needMore)
        {
            return false;
        }

        _wavHead = null;
        if (header is not { } found || (found.SampleRate == _format.SampleRate && found.Channels == _format.Channels))
        {
            return false;
        }

        _format = _format with { SampleRate = found.SampleRate, Channels = found.Channels };
        SizeFor(_format);
        return true;
    }

    // Every format flushes after the same duration of audio: FlushBytes is defined for 16 kHz mono PCM16. With server
    // voice detection the detector must hear the audio soon, and it ends over-long speech itself.
    private void SizeFor(AudioFormat format)
    {
        var scale = (double)format.NominalBytesPerSecond / AudioFormat.NormalizedBytesPerSecond;
        var flushBytes = _serverVad ? _options.ServerVadFlush.TotalSeconds * AudioFormat.NormalizedBytesPerSecond : _options.FlushBytes;
        FlushBytes = AlignDown((int)Math.Ceiling(flushBytes * scale), format.IsCompressed ? 1 : format.FrameBytes);
        _maxUtteranceBytes = _serverVad ? long.MaxValue : (long)(_options.MaxUtterance.TotalSeconds * format.NominalBytesPerSecond);
        _maxQueuedBytes = (long)(_options.MaxQueuedAudio.TotalSeconds * format.NominalBytesPerSecond);
    }

    // A server-vad session hears a stop only when the chunk after it arrives, so its chunks are as short as its flush.
    private AudioSettings SettingsLocked() => new(
        _format.WireName,
        _format.SampleRate,
        _format.Channels,
        _serverVad ? (int)_options.ServerVadFlush.TotalMilliseconds : _options.ChunkMs,
        _options.MaxChunkBytes,
        FlushBytes,
        _idleFlush ? (int)_options.FlushIdle.TotalMilliseconds : 0);

    /// <summary>Ends the user's utterance now (push-to-talk release). A commit with no audio since the last one does nothing.</summary>
    public ClientError? Commit() => Enqueue(FlushKind.Commit, "commit again shortly");

    /// <summary>Queues a retry of the last failed turn behind any audio already queued (the buffer stays).</summary>
    public ClientError? RequestRetry() => Enqueue(FlushKind.RetryTurn, "retry shortly");

    /// <summary>Shutdown: the utterance in progress is ended now, so what the user said is still transcribed.</summary>
    public void FlushPendingUtterance()
    {
        lock (_gate)
        {
            if (_closed is null && _utteranceHasAudio)
            {
                FlushLocked(FlushKind.Commit, _time.GetTimestamp());
            }
        }
    }

    /// <summary>The worker has finished with an item.</summary>
    public void Processed(PipelineItem item) => _queue.Processed(item);

    /// <summary>The client's connection is gone: its silence is the network's, not the speaker's, so the idle flush
    /// waits (what the client records meanwhile is resent after its resume).</summary>
    public void Suspend()
    {
        lock (_gate)
        {
            _detached = true;
        }
    }

    /// <summary>The client resumed: the idle flush counts its silence from now, not from the last chunk before the
    /// connection was lost.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _detached = false;
            _lastAudioTimestamp = _time.GetTimestamp();
            if (_idleArmed && _closed is null)
            {
                _idleTimer.Change(_options.FlushIdle, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The session is ending: later calls get <paramref name="ended"/>; unflushed audio is dropped.</summary>
    public void Close(ClientError ended)
    {
        lock (_gate)
        {
            _closed = ended;
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _buffer.Clear();
        }
    }

    /// <summary>Lets the worker finish what is queued (graceful shutdown).</summary>
    public void CompleteQueue() => _queue.Complete();

    public void Dispose()
    {
        _idleTimer.Dispose();
        _queue.Dispose();
        lock (_gate)
        {
            _buffer.Clear();
        }
    }

    private void OnIdleTimer()
    {
        lock (_gate)
        {
            if (!_idleArmed || _closed is not null || _detached)
            {
                return; // detached: the timer stays off until Resume
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

            if (_queue.Count >= TurnQueue.Capacity - 1)
            {
                _idleTimer.Change(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan); // the worker is behind; try again
                return;
            }

            FlushLocked(FlushKind.Idle, now);
        }
    }

    private ClientError? Enqueue(FlushKind kind, string later)
    {
        lock (_gate)
        {
            if (_closed is { } closed)
            {
                return closed;
            }

            Touch();
            if (kind == FlushKind.Commit && !_utteranceHasAudio)
            {
                return null;
            }

            if (_queue.Count >= TurnQueue.Capacity - 1)
            {
                return new ClientError(ErrorCodes.Backpressure, $"The session is still processing earlier audio; {later}.", true);
            }

            FlushLocked(kind, _time.GetTimestamp(), keepBuffer: kind == FlushKind.RetryTurn);
            return null;
        }
    }

    private void FlushLocked(FlushKind kind, long now, bool keepBuffer = false)
    {
        // Refused only once the queue is completed (the session is ending): the audio is dropped with it.
        if (!_queue.TryEnqueue(new PipelineItem(keepBuffer ? _buffer.Empty() : _buffer.Detach(), kind, now)))
        {
            return;
        }

        if (kind is FlushKind.Idle or FlushKind.Commit or FlushKind.MaxUtterance)
        {
            _utteranceBytes = 0;
            _utteranceHasAudio = false;
            _idleArmed = false;
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private static int AlignDown(int value, int alignment) => Math.Max(alignment, value - (value % alignment));
}
