using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// The wait before each chunk of one simulated trainee: one timer and one awaitable, reused for every chunk, so pacing
/// allocates nothing. A <c>Task.Delay</c> per chunk (a timer and a promise, four times a second per session) was most
/// of what the generator allocated, and its own collections then showed as send lag. One wait at a time.
/// </summary>
internal sealed class ChunkPacer : IValueTaskSource, IDisposable
{
    private readonly Timer _timer;
    private ManualResetValueTaskSourceCore<bool> _core; // continuations run on the timer's thread, as after Task.Delay

    public ChunkPacer() => _timer = new Timer(static state => ((ChunkPacer)state!)._core.SetResult(true), this, Timeout.Infinite, Timeout.Infinite);

    /// <summary>Completes at <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public ValueTask UntilAsync(long timestamp)
    {
        if (Timing.WaitFor(timestamp) is not { } wait)
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
        return new ValueTask(this, _core.Version);
    }

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public void Dispose() => _timer.Dispose();
}
