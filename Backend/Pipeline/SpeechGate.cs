using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Server-side endpointing for one session (<c>turnDetection.type = server-vad</c>): every decoded sample passes
/// through the <see cref="TurnDetector"/>, and the gate decides which of them the recogniser hears. Invariant: a turn's
/// audio is one contiguous run of the stream, from the detector's speech start (prefix padding included) to its stop
/// (the trailing silence included); audio heard between turns is kept only as the next turn's prefix padding.
/// </summary>
internal sealed class SpeechGate : IDisposable
{
    private readonly TurnDetector _detector;
    private readonly long _maxSpeechSamples;
    private readonly short[] _recent; // the latest samples heard between turns, a ring
    private int _recentEnd;
    private int _recentCount;
    private long _speechStart;

    public SpeechGate(TurnDetector detector, int prefixPaddingMs, TimeSpan maxSpeech)
    {
        _detector = detector;
        _maxSpeechSamples = (long)(maxSpeech.TotalSeconds * 16_000);
        _recent = new short[(prefixPaddingMs * 16) + IVoiceDetector.WindowSamples];
    }

    public bool InSpeech => _detector.InSpeech;

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
