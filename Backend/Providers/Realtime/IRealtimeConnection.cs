using System.Threading.Channels;

namespace RoleplayHub.Providers.Realtime;

/// <summary>
/// One open conversation with a realtime speech-to-speech model. Audio on both sides of this interface is PCM16 mono
/// little-endian, at <see cref="InputSampleRate"/> going up and <see cref="OutputSampleRate"/> coming back; the
/// connection encodes the vendor's wire form. Sends may come from one task at a time per method, but appending audio
/// and cancelling a response may overlap (the connection serialises frames). <see cref="Events"/> has one reader.
/// Once the connection is closed, sends throw <see cref="RealtimeProviderException.Closed"/> (retryable,
/// <see cref="RealtimeProviderException.ConnectionClosed"/>); the events say why.
/// </summary>
public interface IRealtimeConnection : IAsyncDisposable
{
    /// <summary>The vendor name (<see cref="RealtimeVendors"/>).</summary>
    string Vendor { get; }

    int InputSampleRate { get; }

    int OutputSampleRate { get; }

    /// <summary>True when the vendor's server VAD ends the user's turns (<see cref="SpeechStarted"/> / <see cref="SpeechStopped"/>
    /// arrive and a reply starts by itself); false when the caller detects speech and calls <see cref="CommitAsync"/>.</summary>
    bool VendorDetectsSpeech { get; }

    /// <summary>True when <see cref="CancelResponseAsync"/> also truncates the reply at the played position
    /// (<c>conversation.item.truncate</c>); false for GLM (no truncate) and Gemini (it interrupts itself).</summary>
    bool CanTruncate { get; }

    /// <summary>What the model says and does, in order. Completes when the connection closes; the last event is a
    /// <see cref="Closed"/> saying why.</summary>
    ChannelReader<RealtimeEvent> Events { get; }

    /// <summary>Sends user audio (PCM16 at <see cref="InputSampleRate"/>). The buffer may be reused once this returns.</summary>
    ValueTask AppendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken ct);

    /// <summary>Ends the user's turn when the caller detects speech: <c>input_audio_buffer.commit</c> + <c>response.create</c>
    /// (Gemini: <c>activityEnd</c>). With vendor VAD it forces the end of the turn the same way.</summary>
    ValueTask CommitAsync(CancellationToken ct);

    /// <summary>Barge-in: stops the reply in progress (<c>response.cancel</c>) and, where <see cref="CanTruncate"/>, cuts
    /// the assistant item at <paramref name="playedMs"/> (<c>conversation.item.truncate</c>, <c>audio_end_ms</c>), so the
    /// model remembers only what the user heard. Gemini: nothing is sent — the model stops by itself when it hears
    /// speech (<see cref="Interrupted"/>); the caller flushes playback. No reply in progress: nothing is sent.
    /// <paramref name="responseId"/> names the reply being cut (its <see cref="ResponseStarted"/>; null: the newest):
    /// the events run ahead of the caller, and a reply the vendor started since is neither cancelled nor truncated.</summary>
    ValueTask CancelResponseAsync(string? responseId, int? playedMs, CancellationToken ct);

    /// <summary>Ends the conversation gracefully: Qwen <c>session.finish</c> and waits for <c>session.finished</c>;
    /// others close the socket. <see cref="Events"/> then completes with <see cref="Closed"/>(<see cref="RealtimeCloseReason.Finished"/>).</summary>
    ValueTask FinishAsync(CancellationToken ct);
}
