using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>Open a session, or resume one of the same user by its id (the hub's <c>start-session</c>, checked for
/// shape already). A null audio field takes the default; <see cref="HasAudioFormat"/> says whether any was given.</summary>
public sealed record StartRequest(
    string? SessionId,
    string? ScenarioId,
    string? Language,
    bool HasAudioFormat,
    string? Encoding,
    int? SampleRate,
    int? Channels,
    long? LastSeq,
    string? ModelProfile,
    bool? IdleFlush,
    TurnDetectionRequest? TurnDetection,
    string? Engine = null,
    string? AudioAck = null,
    int? AudioAckEvery = null);

/// <summary>One chunk of a session's audio as it arrived: its offset (null appends), its bytes, and what the reader
/// found wrong with it. A ref struct: the bytes are borrowed from the hub's pooled buffer for the call.</summary>
public readonly ref struct IncomingChunk(long? offset, ReadOnlySpan<byte> audio, bool tooLarge, string? bindingError)
{
    public long? Offset { get; } = offset;

    public ReadOnlySpan<byte> Audio { get; } = audio;

    public bool TooLarge { get; } = tooLarge;

    public string? BindingError { get; } = bindingError;
}
