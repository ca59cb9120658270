using RoleplayHub.Core;

namespace RoleplayHub.Sessions;

/// <summary>Result of offering an audio chunk to a session: accepted (acknowledged) or an error.</summary>
public readonly record struct ChunkOutcome(ClientError? Error, int AudioSize, long Offset, long TotalBytes, bool Duplicate)
{
    /// <summary>The stream's settings when this chunk changed them (a WAV header gave the real rate and channels).</summary>
    public AudioSettings? AudioChanged { get; init; }

    /// <summary>What the client should know about the settings this chunk revealed (a rate too narrow to recognise).</summary>
    public string? Warning { get; init; }

    /// <summary>The acknowledgement goes in the invocation's completion, not in an event (<see cref="AudioAcks.Completion"/>).</summary>
    public bool InCompletion { get; init; }

    /// <summary>Accepted without an <c>audio-received</c> of its own: a later one covers it (<c>audioAckEvery</c>).</summary>
    public bool AckDeferred { get; init; }

    public static ChunkOutcome Failed(ClientError error) => new(error, 0, 0, 0, false);

    public static ChunkOutcome Accepted(int size, long offset, long total, bool duplicate = false) => new(null, size, offset, total, duplicate);
}
