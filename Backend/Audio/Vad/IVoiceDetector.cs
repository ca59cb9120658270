namespace RoleplayHub.Audio.Vad;

/// <summary>
/// Scores windows of 16 kHz mono audio for speech, one window after another. One per session: it keeps state between
/// windows (a noise floor, a model's recurrent state) and is used by one worker at a time, never concurrently.
/// </summary>
public interface IVoiceDetector : IDisposable
{
    /// <summary>Samples per window: 512 at 16 kHz (32 ms), the window Silero VAD v5 is trained on.</summary>
    public const int WindowSamples = 512;

    /// <summary>The probability, 0–1, that <paramref name="window"/> (exactly <see cref="WindowSamples"/> samples) holds
    /// speech. Must not allocate: it runs on the audio path, 31 times per second of audio.</summary>
    float SpeechProbability(ReadOnlySpan<short> window);

    /// <summary>Forgets what it has heard (a new stream).</summary>
    void Reset();
}

/// <summary>A kind of voice detector (<c>energy</c>, <c>silero</c>): makes one per session.</summary>
public interface IVoiceDetectorKind
{
    /// <summary>The name a client asks for in <c>turnDetection.detector</c>.</summary>
    string Name { get; }

    /// <summary>The probability above which a window is speech when the client names no threshold.</summary>
    float DefaultThreshold { get; }

    /// <summary>Null when detectors can be made; otherwise why not and how to fix it (e.g. the model file is missing).</summary>
    string? Unavailable { get; }

    IVoiceDetector Create();
}
