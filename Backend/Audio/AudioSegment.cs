namespace RoleplayHub.Audio;

/// <summary>
/// A run of a session's raw input bytes handed from the hub to the session's pipeline worker. It owns pooled
/// blocks until <see cref="Dispose"/>.
/// </summary>
public sealed class AudioSegment : IDisposable
{
    private readonly AudioBlockPool _pool;
    private byte[][] _blocks;

    internal AudioSegment(AudioBlockPool pool, byte[][] blocks, int length)
    {
        _pool = pool;
        _blocks = blocks;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The bytes, block by block, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Blocks
    {
        get
        {
            var remaining = Length;
            foreach (var block in _blocks)
            {
                if (remaining <= 0)
                {
                    yield break;
                }

                var take = Math.Min(block.Length, remaining);
                yield return block.AsMemory(0, take);
                remaining -= take;
            }
        }
    }

    public void Dispose()
    {
        var blocks = Interlocked.Exchange(ref _blocks, []);
        foreach (var block in blocks)
        {
            _pool.Return(block);
        }
    }
}
