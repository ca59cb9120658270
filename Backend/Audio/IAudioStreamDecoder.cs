namespace RoleplayHub.Audio;

/// <summary>
/// Turns one session's input stream, in its declared format, into 16 kHz mono PCM16. One instance per session,
/// used only by that session's pipeline worker (so implementations need no locking). Bad audio throws
/// <see cref="AudioFormatException"/>; the worker reports it and the session carries on.
/// </summary>
public interface IAudioStreamDecoder : IAsyncDisposable
{
    /// <summary>Decodes the next bytes of the stream, appending whatever PCM is ready to <paramref name="output"/>.</summary>
    ValueTask DecodeAsync(ReadOnlyMemory<byte> input, PcmBuffer output, CancellationToken cancellationToken);

    /// <summary>The user's utterance ended: append all PCM that is still pending inside the decoder.</summary>
    ValueTask EndUtteranceAsync(PcmBuffer output, CancellationToken cancellationToken);
}
