using System.Buffers;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// One utterance's PCM, kept until its recognition task has completed so that a task lost to a dropped connection,
/// an idle timeout or a rejected token can be replayed from the start on a new one. The worker appends; the
/// sender reads frames and waits for more.
/// </summary>
internal sealed class UtteranceAudio : IDisposable
{
    private readonly Lock _gate = new();
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _length;
    private bool _complete;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _complete;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> pcm)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_length + pcm.Length > _bytes.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + pcm.Length));
                _bytes.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = larger;
            }

            pcm.CopyTo(_bytes.AsSpan(_length));
            _length += pcm.Length;
            changed = Swap();
        }

        changed.TrySetResult();
    }

    /// <summary>No more audio will come for this utterance.</summary>
    public void Complete()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _complete = true;
            changed = Swap();
        }

        changed.TrySetResult();
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="offset"/> (the buffer may
    /// grow and move meanwhile, so callers get a copy, not a view).</summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        lock (_gate)
        {
            _bytes.AsSpan(offset, destination.Length).CopyTo(destination);
        }
    }

    public byte[] ToArray()
    {
        lock (_gate)
        {
            return _bytes.AsSpan(0, _length).ToArray();
        }
    }

    /// <summary>Completes when more audio arrives or the utterance is complete.</summary>
    public Task WaitForChangeAsync(int knownLength, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _length > knownLength || _complete ? Task.CompletedTask : _changed.Task.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
            _length = 0;
        }
    }

    private TaskCompletionSource Swap()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return changed;
    }
}
