namespace RoleplayHub.Audio.Vad;

/// <summary>What the detector found in a stretch of audio.</summary>
public enum VoiceEventKind
{
    /// <summary>Speech began; <see cref="VoiceEvent.Sample"/> is where, prefix padding included.</summary>
    SpeechStarted,

    /// <summary>Silence has lasted <c>silenceMs</c>: the turn is over; <see cref="VoiceEvent.Sample"/> is where speech ended.</summary>
    SpeechStopped,
}

/// <summary>A change of state at sample <see cref="Sample"/> of the stream (16 kHz; 16 samples per millisecond).</summary>
public readonly record struct VoiceEvent(VoiceEventKind Kind, long Sample)
{
    public long Milliseconds => Sample / 16;
}

/// <summary>
/// Server-side endpointing over one session's 16 kHz audio, in the manner of OpenAI's <c>server_vad</c>: a window whose
/// speech probability reaches the threshold starts speech (reported <c>prefixPaddingMs</c> earlier), and speech ends
/// once the probability has stayed below it — with a little hysteresis — for <c>silenceMs</c>. Audio arrives in pieces
/// of any size; windows are cut across them, so piece boundaries change nothing.
/// <para>Invariant: events alternate, started then stopped, each at a sample no earlier than the one before.</para>
/// </summary>
public sealed class TurnDetector(IVoiceDetector detector, float threshold, int prefixPaddingMs, int silenceMs) : IDisposable
{
    private const int SamplesPerMs = 16;

    // Below threshold − 0.15 counts as silence: a probability hovering at the threshold neither starts nor ends speech.
    private const float Hysteresis = 0.15f;

    private readonly short[] _window = new short[IVoiceDetector.WindowSamples];
    private int _windowCount;
    private long _samples;
    private long _lastSpeechEnd;
    private long _silentSamples;

    public bool InSpeech { get; private set; }

    public float Threshold { get; } = threshold;

    /// <summary>The silence that ends speech. It may change while speech goes on (semantic endpointing waits longer
    /// after words that leave a sentence unfinished); a silence already longer than a new, shorter value ends speech at
    /// the next window.</summary>
    public int SilenceMs { get; set; } = silenceMs;

    /// <summary>How long the speech in progress has been silent (0 while the voice goes on).</summary>
    public int SilentMs => (int)(_silentSamples / SamplesPerMs);

    /// <summary>Samples heard so far.</summary>
    public long Position => _samples;

    /// <summary>
    /// Feeds the next samples; returns the first event they contain and how many samples it consumed, so the caller can
    /// split its audio at the event (what comes after a stop belongs to the next turn). Call again with the rest.
    /// </summary>
    public (VoiceEvent? Event, int Consumed) Process(ReadOnlySpan<short> samples)
    {
        var consumed = 0;
        while (consumed < samples.Length)
        {
            var take = Math.Min(samples.Length - consumed, _window.Length - _windowCount);
            samples.Slice(consumed, take).CopyTo(_window.AsSpan(_windowCount));
            _windowCount += take;
            consumed += take;
            _samples += take;
            if (_windowCount < _window.Length)
            {
                break;
            }

            _windowCount = 0;
            if (Score() is { } evt)
            {
                return (evt, consumed);
            }
        }

        return (null, consumed);
    }

    /// <summary>Forgets the utterance in progress (the turn ended another way: a commit, the idle flush).</summary>
    public void EndTurn()
    {
        InSpeech = false;
        _silentSamples = 0;
    }

    public void Dispose() => detector.Dispose();

    private VoiceEvent? Score()
    {
        var probability = detector.SpeechProbability(_window);
        var windowStart = _samples - _window.Length;
        if (!InSpeech)
        {
            if (probability < Threshold)
            {
                return null;
            }

            InSpeech = true;
            _silentSamples = 0;
            _lastSpeechEnd = _samples;
            var start = Math.Max(0, windowStart - ((long)prefixPaddingMs * SamplesPerMs));
            return new VoiceEvent(VoiceEventKind.SpeechStarted, start);
        }

        if (probability >= Threshold - Hysteresis)
        {
            _silentSamples = 0;
            _lastSpeechEnd = _samples;
            return null;
        }

        _silentSamples += _window.Length;
        if (_silentSamples < (long)SilenceMs * SamplesPerMs)
        {
            return null;
        }

        InSpeech = false;
        _silentSamples = 0;
        return new VoiceEvent(VoiceEventKind.SpeechStopped, _lastSpeechEnd);
    }
}
