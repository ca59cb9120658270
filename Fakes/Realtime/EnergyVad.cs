namespace RoleplayHub.Fakes.Realtime;

/// <summary>
/// A simple energy voice detector standing in for a vendor's server VAD: 10 ms frames, speech above an RMS threshold,
/// the end after <c>silenceMs</c> without speech. Positions are in milliseconds of all audio received on the
/// connection, like OpenAI's: <c>audio_start_ms</c> includes the prefix padding, <c>audio_end_ms</c> the silence.
/// </summary>
internal sealed class EnergyVad(int sampleRate, double rmsThreshold, int prefixPaddingMs, int silenceMs)
{
    private readonly int _frameSamples = sampleRate / 100;
    private long _samples;
    private long _frameSamplesSeen;
    private double _frameEnergy;
    private long _lastSpeechMs = -1;
    private double _speechMs;

    public bool InSpeech { get; private set; }

    /// <summary>Milliseconds of frames above the threshold in the current (or last) utterance.</summary>
    public double SpeechMs => _speechMs;

    public long PositionMs => _samples * 1000 / sampleRate;

    /// <summary>Feeds PCM16; calls back at each start and end.</summary>
    public void Feed(ReadOnlySpan<byte> pcm16, Action<long> started, Action<long> stopped)
    {
        for (var i = 0; i + 1 < pcm16.Length; i += 2)
        {
            double s = (short)(pcm16[i] | (pcm16[i + 1] << 8));
            _frameEnergy += s * s;
            _samples++;
            if (++_frameSamplesSeen < _frameSamples)
            {
                continue;
            }

            var speech = Math.Sqrt(_frameEnergy / _frameSamplesSeen) > rmsThreshold;
            _frameEnergy = 0;
            _frameSamplesSeen = 0;
            var now = PositionMs;
            if (speech)
            {
                if (!InSpeech)
                {
                    InSpeech = true;
                    _speechMs = 0;
                    started(Math.Max(0, now - 10 - prefixPaddingMs));
                }

                _speechMs += 10;
                _lastSpeechMs = now;
            }
            else if (InSpeech && now - _lastSpeechMs >= silenceMs)
            {
                InSpeech = false;
                stopped(now);
            }
        }
    }

    /// <summary>Ends the utterance in progress now (a commit, <c>audioStreamEnd</c>).</summary>
    public void Reset() => InSpeech = false;
}
