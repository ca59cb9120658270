using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Server-side endpointing for one session (<c>turnDetection.type = server-vad</c>): every decoded sample passes
/// through the <see cref="TurnDetector"/>, and the gate decides which of them the recogniser hears. Invariant: a turn's
/// audio is one contiguous run of the stream, from the detector's speech start (prefix padding included) to its stop
/// (the trailing silence included); audio heard between turns is kept only as the next turn's prefix padding.
/// With semantic-vad (<see cref="UnfinishedSilenceMs"/> set), each turn starts needing the detector's silence, and
/// needs the longer one while the words heard so far sound unfinished.
/// </summary>
internal sealed class SpeechGate : IDisposable
{
    private readonly TurnDetector _detector;
    private readonly long _maxSpeechSamples;
    private readonly int _finishedSilenceMs;
    private readonly short[] _recent; // the latest samples heard between turns, a ring
    private int _recentEnd;
    private int _recentCount;
    private long _speechStart;

    public SpeechGate(TurnDetector detector, int prefixPaddingMs, TimeSpan maxSpeech, int? unfinishedSilenceMs = null)
    {
        _detector = detector;
        _finishedSilenceMs = detector.SilenceMs;
        UnfinishedSilenceMs = unfinishedSilenceMs;
        _maxSpeechSamples = (long)(maxSpeech.TotalSeconds * 16_000);
        _recent = new short[(prefixPaddingMs * 16) + IVoiceDetector.WindowSamples];
    }

    public bool InSpeech => _detector.InSpeech;

    /// <summary>semantic-vad: the silence that ends a turn whose words sound unfinished; null for server-vad.</summary>
    public int? UnfinishedSilenceMs { get; }

    /// <summary>semantic-vad: the words heard so far in this turn do (or do not) leave the sentence open. A word that
    /// first appears well into the silence is the recogniser hearing the noise after the voice, not the speaker leaving
    /// a sentence open, so it cannot hold the turn; one within <see cref="RecognitionLagMs"/> of the voice's end can
    /// (recognisers name a word a little after it ends).</summary>
    public void SoundsUnfinished(bool unfinished)
    {
        if (UnfinishedSilenceMs is not { } longer)
        {
            return;
        }

        if (!unfinished)
        {
            _detector.SilenceMs = _finishedSilenceMs;
        }
        else if (_detector.SilentMs <= RecognitionLagMs)
        {
            _detector.SilenceMs = longer;
        }
    }

    /// <summary>How long after a word ends the recogniser may first name it (PocketSphinx's partials: 100–200 ms).</summary>
    public const int RecognitionLagMs = 250;

    /// <summary>
    /// Reads <paramref name="samples"/> from <paramref name="from"/> up to the next event (or the end), appending the
    /// part that belongs to the user's turn to <paramref name="speech"/>; advances <paramref name="from"/>. Speech that
    /// has lasted the longest utterance stops here too.
    /// </summary>
    public VoiceEvent? Next(ReadOnlySpan<short> samples, ref int from, PcmBuffer speech)
    {
        var inSpeech = _detector.InSpeech;
        var (evt, consumed) = _detector.Process(samples[from..]);
        var piece = samples.Slice(from, consumed);
        from += consumed;
        if (inSpeech)
        {
            speech.Write(piece);
        }
        else
        {
            Remember(piece);
        }

        if (evt is { Kind: VoiceEventKind.SpeechStarted } started)
        {
            _detector.SilenceMs = _finishedSilenceMs; // a new turn: no words yet
            _speechStart = started.Sample;
            TakeRecent((int)(_detector.Position - started.Sample), speech);
            return evt;
        }

        if (evt is null && _detector.InSpeech && _detector.Position - _speechStart >= _maxSpeechSamples)
        {
            return Stop();
        }

        return evt;
    }

    /// <summary>Where <paramref name="evt"/> lies in the turn's audio as the recogniser heard it (ms from the turn's first
    /// sample, prefix padding included).</summary>
    public int MsIntoTurn(VoiceEvent evt) => (int)((evt.Sample - _speechStart) / 16);

    /// <summary>Ends the speech in progress now (the client committed, or its chunks stopped): stopped here.</summary>
    public VoiceEvent Stop()
    {
        _detector.EndTurn();
        return new VoiceEvent(VoiceEventKind.SpeechStopped, _detector.Position);
    }

    public void Dispose() => _detector.Dispose();

    private void Remember(ReadOnlySpan<short> piece)
    {
        if (piece.Length >= _recent.Length)
        {
            piece[^_recent.Length..].CopyTo(_recent);
            _recentEnd = 0;
            _recentCount = _recent.Length;
            return;
        }

        var first = Math.Min(piece.Length, _recent.Length - _recentEnd);
        piece[..first].CopyTo(_recent.AsSpan(_recentEnd));
        piece[first..].CopyTo(_recent);
        _recentEnd = (_recentEnd + piece.Length) % _recent.Length;
        _recentCount = Math.Min(_recent.Length, _recentCount + piece.Length);
    }

    // The last `count` samples remembered, oldest first, become the start of the turn.
    private void TakeRecent(int count, PcmBuffer speech)
    {
        count = Math.Min(count, _recentCount);
        var start = (_recentEnd - count + _recent.Length) % _recent.Length;
        var first = Math.Min(count, _recent.Length - start);
        speech.Write(_recent.AsSpan(start, first));
        speech.Write(_recent.AsSpan(0, count - first));
        _recentCount = 0;
    }
}
