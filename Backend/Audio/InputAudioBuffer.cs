namespace RoleplayHub.Audio;

/// <summary>
/// The not-yet-flushed bytes of one session's input stream, kept in pooled blocks. Not thread-safe: the owning
/// session serialises access.
/// </summary>
public sealed class InputAudioBuffer(AudioBlockPool pool)
{
    private readonly List<byte[]> _blocks = new(capacity: 8);
    private int _length;

    public int Length => _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var used = _length % AudioBlockPool.BlockSize;
            if (used == 0 && _blocks.Count * AudioBlockPool.BlockSize == _length)
            {
                _blocks.Add(pool.Rent());
            }

            var block = _blocks[^1];
            var take = Math.Min(AudioBlockPool.BlockSize - used, data.Length);
            data[..take].CopyTo(block.AsSpan(used));
            _length += take;
            data = data[take..];
        }
    }

    /// <summary>Hands the buffered bytes over as a segment and starts empty again.</summary>
    public AudioSegment Detach()
    {
        var segment = new AudioSegment(pool, [.. _blocks], _length);
        _blocks.Clear();
        _length = 0;
        return segment;
    }

    /// <summary>An empty segment (for queue items that carry no audio).</summary>
    public AudioSegment Empty() => new(pool, [], 0);

    /// <summary>Drops everything buffered (session ended).</summary>
    public void Clear()
    {
        foreach (var block in _blocks)
        {
            pool.Return(block);
        }

        _blocks.Clear();
        _length = 0;
    }
}
