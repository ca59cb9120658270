using RoleplayHub.Providers;

namespace RoleplayHub.Tests.Unit;

public sealed class DedicatedWorkersTests
{
    [Fact]
    public async Task WorkRunsOffTheThreadPoolAndItsResultOrErrorComesBack()
    {
        using var workers = new DedicatedWorkers("test", threads: 1);

        var onPool = await workers.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread, default);
        var name = await workers.RunAsync(() => Thread.CurrentThread.Name, default);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => workers.RunAsync<int>(() => throw new InvalidOperationException("decoder"), default));

        Assert.False(onPool);
        Assert.Equal("test 1", name);
        Assert.Equal("decoder", failure.Message);
    }

    [Fact]
    public async Task OneThreadRunsOneItemAtATimeAndSkipsWorkCancelledWhileQueued()
    {
        using var workers = new DedicatedWorkers("test", threads: 1);
        using var release = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var ran = 0;

        var blocking = workers.RunAsync(() => release.Wait(TimeSpan.FromSeconds(10)), default);
        var queued = workers.RunAsync(() => Interlocked.Increment(ref ran), cancel.Token);
        await cancel.CancelAsync();
        release.Set();

        Assert.True(await blocking);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, ran);
    }
}
