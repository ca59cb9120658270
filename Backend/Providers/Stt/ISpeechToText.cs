using RoleplayHub.Core;

namespace RoleplayHub.Providers.Stt;

/// <summary>
/// A speech-to-text engine. It hands out one <see cref="ISpeechRecognizer"/> per session; the recogniser keeps the
/// session's decoding state between the size flushes of an utterance, so partial results come while the user speaks.
/// </summary>
public interface ISpeechToText
{
    /// <summary>Stable provider name used in configuration (<c>Stt:Provider</c>) and error messages.</summary>
    string Name { get; }

    /// <summary>BCP-47 languages this provider can recognise when configured.</summary>
    IReadOnlyCollection<string> Languages { get; }

    /// <summary>
    /// The lowest input sample rate this provider recognises usefully. Every input is resampled to 16 kHz, but audio
    /// sampled at 8 kHz carries nothing above 4 kHz, and a model trained on wideband speech misses most of its words.
    /// Sessions declaring a lower rate are warned in <c>session-started</c>.
    /// </summary>
    int NarrowestUsefulSampleRate => 8_000;

    /// <summary>
    /// Reserves a recogniser for a session. Must be cheap: expensive set-up belongs in
    /// <see cref="ISpeechRecognizer.StartAsync"/>, which runs on the session's worker. Throws
    /// <see cref="SpeechCapacityException"/> when the provider is at its concurrency limit.
    /// </summary>
    ISpeechRecognizer CreateRecognizer(RecognizerRequest request);
}

/// <summary>What a recogniser is for: the session, its user (providers with scarce resources share them out per user),
/// the language, and the scenario's phrases and grammar.</summary>
public sealed record RecognizerRequest(string SessionId, string UserId, string Language, IReadOnlyList<string> Phrases, string? Grammar);

/// <summary>One session's recogniser. Used by one worker at a time; never concurrently.</summary>
public interface ISpeechRecognizer : IAsyncDisposable
{
    /// <summary>Loads models or opens connections; called once before the first audio.</summary>
    ValueTask StartAsync(CancellationToken cancellationToken);

    /// <summary>Feeds the next 16 kHz mono PCM16 (little-endian bytes) of the current utterance; returns the partial hypothesis
    /// of the utterance so far, or null if the provider has none yet.</summary>
    ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken);

    /// <summary>Ends the current utterance and returns its final hypothesis; the recogniser is then ready for the next one.</summary>
    ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken);

    /// <summary>Drops the current utterance (e.g. the audio was invalid) without producing a result.</summary>
    ValueTask CancelUtteranceAsync(CancellationToken cancellationToken);
}

public sealed record SpeechHypothesis(string Text, IReadOnlyList<WordTiming>? Words = null);

/// <summary>The provider has no free recogniser; the client may try again later.</summary>
public sealed class SpeechCapacityException(string message) : Exception(message);

/// <summary>Recognition failed; <see cref="Retryable"/> says whether the same audio could succeed later.</summary>
public sealed class SpeechRecognitionException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
