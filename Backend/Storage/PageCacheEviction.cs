using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RoleplayHub.Storage;

/// <summary>
/// Takes files that are written once and seldom read (the trainees' recordings, kept where they were written) out of
/// the kernel's page cache once they are on disk, so that the next recordings are written into the pages they leave.
/// </summary>
/// <remarks>
/// Left cached, recordings fill the page cache at the rate trainees speak, and every page of it is memory the kernel
/// takes anew. On a VM that hands the memory its kernel frees back to the host (free page reporting, as this project's
/// Firecracker VMs do) each such page costs a fault in the host, and at 1,000 sessions that was most of what writing
/// the recordings cost (docs/benchmarks.md, "The machine's memory").
/// <para>Two advices a file (<c>posix_fadvise</c>, <c>POSIX_FADV_DONTNEED</c>), from this service's loop, never on
/// the audio path: the first starts writing the file's pages to disk, the second, a tick later, drops those written by
/// then. Best effort: a page the disk has not taken yet stays cached, as every page did before. Linux only; elsewhere
/// a file is closed at once. .NET has no call for this advice, so it is the one system call imported here.</para>
/// Invariant: every handle given to <see cref="Evict"/> is closed, within two ticks while the service runs, at once
/// when it is not running or <see cref="MaxWaiting"/> handles already wait.
/// </remarks>
public sealed partial class PageCacheEviction(TimeProvider time) : BackgroundService
{
    internal static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    /// <summary>Bounds the open handles: about 340 wait at 1,000 sessions.</summary>
    internal const int MaxWaiting = 8_192;

    private const int DontNeed = 4; // POSIX_FADV_DONTNEED on Linux

    private readonly ConcurrentQueue<SafeFileHandle> _arrived = new();
    private readonly Queue<SafeFileHandle> _advised = new(); // the loop's own
    private int _waiting;
    private volatile bool _running;

    /// <summary>Takes a finished file's handle, and closes it.</summary>
    public void Evict(SafeFileHandle file)
    {
        if (!_running)
        {
            file.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            file.Dispose();
            return;
        }

        _arrived.Enqueue(file);
        if (!_running)
        {
            CloseArrived(); // the loop ended meanwhile: nothing else would close it
        }
    }

    /// <summary>Files are taken from here on: ExecuteAsync itself starts later, on the thread pool.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _running = OperatingSystem.IsLinux();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_running)
        {
            return;
        }

        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Advise();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        await base.StopAsync(cancellationToken);
        CloseAll(); // the loop has ended, or never ran: nothing else takes from the queues now
    }

    /// <summary>One tick: the files advised a tick ago lose the pages written since and are closed; those that arrived
    /// since are advised, which starts writing their pages.</summary>
    internal void Advise()
    {
        while (_advised.TryDequeue(out var file))
        {
            Advise(file);
            file.Dispose();
            Interlocked.Decrement(ref _waiting);
        }

        while (_arrived.TryDequeue(out var file))
        {
            Advise(file);
            _advised.Enqueue(file);
        }
    }

    private void CloseAll()
    {
        while (_advised.TryDequeue(out var file))
        {
            file.Dispose();
            Interlocked.Decrement(ref _waiting);
        }

        CloseArrived();
    }

    private void CloseArrived()
    {
        while (_arrived.TryDequeue(out var file))
        {
            file.Dispose();
            Interlocked.Decrement(ref _waiting);
        }
    }

    // The result is not looked at: advice refused leaves the pages cached, as they were without it.
    private static void Advise(SafeFileHandle file) => _ = PosixFadvise(file, 0, 0, DontNeed);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(SafeFileHandle file, long offset, long length, int advice);
}
