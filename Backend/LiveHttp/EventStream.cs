using System.Threading.Channels;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// The frames waiting for one open <c>GET …/events</c> response. Invariant: numbered events leave in increasing
/// <c>seq</c> and each at most once — one the reader has had (by <c>Last-Event-ID</c>, or already queued) is skipped, so
/// a live event that raced the replay of the same event is not written twice. The queue is bounded: a reader that
/// falls <c>LiveHttp:EventStreamBuffer</c> frames behind has its stream completed rather than stalling the session's
/// worker; it reconnects with <c>Last-Event-ID</c>.
/// </summary>
internal sealed class EventStream(int capacity, long lastSeq)
{
    private readonly Lock _gate = new();
    private readonly Channel<SseFrame> _frames = Channel.CreateBounded<SseFrame>(new BoundedChannelOptions(capacity) { SingleReader = true });
    private long _lastSeq = lastSeq;

    public ChannelReader<SseFrame> Frames => _frames.Reader;

    /// <summary>Queues <paramref name="frame"/>; false when the stream is closed (or has just been, for falling behind).</summary>
    public bool TryWrite(SseFrame frame)
    {
        lock (_gate)
        {
            if (frame.Seq > 0 && frame.Seq <= _lastSeq)
            {
                return true;
            }

            if (!_frames.Writer.TryWrite(frame))
            {
                _frames.Writer.TryComplete();
                return false;
            }

            _lastSeq = Math.Max(_lastSeq, frame.Seq);
            return true;
        }
    }

    /// <summary>No more frames: the response ends once those queued are written.</summary>
    public void Complete() => _frames.Writer.TryComplete();
}
