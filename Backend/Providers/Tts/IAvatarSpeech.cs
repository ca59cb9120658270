using RoleplayHub.Core;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Tts;

/// <summary>The avatar's voice: speech audio for a piece of text, with its duration and, where the engine gives
/// timings, a viseme track for lip-sync (and optionally a video URL from a video-avatar service).</summary>
public interface IAvatarSpeech
{
    string Name { get; }

    bool Supports(string language);

    ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken);
}

public sealed record SpeechRequest(string Text, string Language, PersonaVoice Voice);

/// <summary>
/// Synthesised speech. <see cref="Audio"/> is a complete media file (e.g. WAV) of <see cref="MimeType"/>; it may live
/// in a pooled buffer, so the clip must be disposed once the audio has been stored.
/// </summary>
public sealed class AvatarClip(
    ReadOnlyMemory<byte> audio,
    string mimeType,
    string extension,
    TimeSpan duration,
    IReadOnlyList<VisemeCue>? visemes,
    string? videoUrl = null,
    IDisposable? owner = null,
    IReadOnlyList<WordTiming>? words = null) : IDisposable
{
    public ReadOnlyMemory<byte> Audio { get; } = audio;

    public string MimeType { get; } = mimeType;

    public string Extension { get; } = extension;

    public TimeSpan Duration { get; } = duration;

    public IReadOnlyList<VisemeCue>? Visemes { get; } = visemes;

    public string? VideoUrl { get; } = videoUrl;

    /// <summary>When each word of the text starts in the audio, where the engine says (espeak-ng does); null otherwise.
    /// Barge-in cuts a reply at the last word the trainee heard begin.</summary>
    public IReadOnlyList<WordTiming>? Words { get; } = words;

    public void Dispose() => owner?.Dispose();
}

public sealed class SpeechSynthesisException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
