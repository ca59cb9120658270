using System.Collections.Concurrent;

namespace RoleplayHub.Providers;

/// <summary>
/// A few dedicated threads for CPU-bound native work (a PocketSphinx decode takes 10–300 ms of CPU). On the thread
/// pool such work holds the threads that run every connection's I/O: with one core the pool has one thread and adds
/// more only every half second, so a single session's decode delayed other sessions' acknowledgements by up to 0.8 s
/// (docs/benchmarks.md). Here the OS time-slices the decode against the I/O threads instead, and the number of threads
/// bounds how many decodes run at once.
/// </summary>
public sealed class DedicatedWorkers : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();

    public DedicatedWorkers(string name, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        for (var i = 0; i < threads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"{name} {i + 1}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on one of the threads; the caller's continuation runs on the thread pool.
    /// Work cancelled while it waits in the queue is not started.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                completion.TrySetResult(work());
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
            }
        });
        return completion.Task;
    }

    private void Run()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item();
        }
    }

    /// <summary>Lets the threads finish what is queued and end.</summary>
    public void Dispose() => _queue.CompleteAdding();
}
