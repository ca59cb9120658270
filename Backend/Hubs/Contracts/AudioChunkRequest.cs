using System.Buffers;

namespace RoleplayHub.Hubs.Contracts;

/// <summary>
/// <c>audio-chunk</c>. Built by <see cref="AudioChunkRequestConverter"/>, which decodes the base64 audio straight
/// from the JSON bytes into a pooled buffer: no string and no per-chunk array is allocated on the audio path.
/// The hub must call <see cref="Release"/> once the bytes have been copied into the session.
/// </summary>
public sealed record AudioChunkRequest : HubRequest
{
    private byte[]? _rented;
    private int _length;

    public string? SessionId { get; init; }

    /// <summary>Byte offset of this chunk in the session's audio stream (decoded bytes); null appends.</summary>
    public long? Offset { get; init; }

    /// <summary>Informational: how many chunks the client intends to send for this utterance.</summary>
    public int? TotalChunks { get; init; }

    /// <summary>True when the payload carried an <c>audioData</c> that was too large to decode (see the converter).</summary>
    public bool TooLarge { get; init; }

    /// <summary>On the <c>stream-audio</c> stream: end the utterance after this item's audio (if any), like
    /// <c>commit-audio</c>, in order with the audio sent before it.</summary>
    public bool Commit { get; init; }

    public ReadOnlySpan<byte> Audio => _rented is null ? default : _rented.AsSpan(0, _length);

    public int AudioLength => _length;

    internal void AttachAudio(byte[] rented, int length)
    {
        _rented = rented;
        _length = length;
    }

    public void Release()
    {
        var rented = Interlocked.Exchange(ref _rented, null);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        _length = 0;
    }
}
