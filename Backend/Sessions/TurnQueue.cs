using System.Threading.Channels;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// The bounded, ordered hand-off from a session's input to its worker, and how much audio is in it. Many writers
/// (the hub, the idle timer: <see cref="InputAudioStream"/> serialises them), one reader (the worker). Admission
/// control keeps it from filling; once completed, what is still written is disposed, not queued.
/// </summary>
internal sealed class TurnQueue : IDisposable
{
    public const int Capacity = 256;

    private readonly Channel<PipelineItem> _channel = Channel.CreateBounded<PipelineItem>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _queuedBytes;

    public ChannelReader<PipelineItem> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    /// <summary>Audio bytes written and not yet processed.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>True when queued; false (and the item disposed) once the queue is completed.</summary>
    public bool TryEnqueue(PipelineItem item)
    {
        Interlocked.Add(ref _queuedBytes, item.Segment.Length);
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        Interlocked.Add(ref _queuedBytes, -item.Segment.Length);
        item.Dispose();
        return false;
    }

    /// <summary>The worker has finished with <paramref name="item"/>.</summary>
    public void Processed(PipelineItem item) => Interlocked.Add(ref _queuedBytes, -item.Segment.Length);

    /// <summary>No more items: the worker finishes what is queued, then its loop ends.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var item))
        {
            item.Dispose();
        }
    }
}
