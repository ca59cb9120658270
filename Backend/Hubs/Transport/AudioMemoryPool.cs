using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace RoleplayHub.Hubs.Transport;

/// <summary>
/// Kestrel's connection buffers, in 16 KB pinned blocks instead of its default 4 KB. Kestrel reads a socket into one
/// block at a time, so a 250 ms audio chunk (≈10.7 KB of base64 JSON) took three <c>recv</c> calls with 4 KB blocks and
/// takes one now — on a virtual machine each system call is the dominant cost of a chunk (docs/benchmarks.md). Idle
/// connections hold no block (Kestrel waits for data before renting), and blocks are reused, never freed per chunk.
/// </summary>
public sealed class AudioMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new AudioMemoryPool();
}

internal sealed class AudioMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 16 * 1024;

    private const int MaxRetained = 4_096; // 64 MB of idle blocks at most

    private readonly ConcurrentQueue<Block> _free = new();
    private int _retained;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            return block;
        }

        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing) => _disposed = true;

    private void Return(Block block)
    {
        if (!_disposed && Interlocked.Increment(ref _retained) <= MaxRetained)
        {
            _free.Enqueue(block);
            return;
        }

        Interlocked.Decrement(ref _retained);
    }

    private sealed class Block(AudioMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = array;

        public void Dispose() => pool.Return(this);
    }
}
