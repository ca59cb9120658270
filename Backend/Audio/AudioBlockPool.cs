using System.Collections.Concurrent;

namespace RoleplayHub.Audio;

/// <summary>
/// Fixed-size blocks for buffered audio. A session's buffer grows block by block, so it holds what it buffers
/// (rounded up to 8 KB) rather than a worst-case array, and blocks are reused across sessions instead of being
/// allocated per chunk. Blocks are far below the 85 KB large-object threshold.
/// </summary>
public sealed class AudioBlockPool(int maxRetainedBlocks = 16_384)
{
    public const int BlockSize = 8_192;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _retained;
    private long _outstanding;

    /// <summary>Blocks currently handed out (buffered or queued audio).</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    public byte[] Rent()
    {
        Interlocked.Increment(ref _outstanding);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            return block;
        }

        return new byte[BlockSize];
    }

    public void Return(byte[] block)
    {
        Interlocked.Decrement(ref _outstanding);
        if (block.Length != BlockSize)
        {
            return;
        }

        if (Interlocked.Increment(ref _retained) <= maxRetainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _retained);
        }
    }
}
