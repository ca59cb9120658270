namespace RoleplayHub.Core;

/// <summary>
/// Milliseconds of the turn so far; what has not happened yet is null. The stages (<c>queueMs</c> … <c>storeMs</c>)
/// say where the time went; the milestones (<c>transcriptMs</c>, <c>firstTokenMs</c>, <c>firstAudioMs</c>) and
/// <c>totalMs</c> count from the end of the user's speech as the server knew it: the voice detector's stop, or the
/// flush (commit, idle) that ended the utterance.
/// </summary>
/// <remarks>
/// A value, not an object: each turn's events carry three, a session keeps its events for a resume, and as objects
/// every young collection copied them with the events. Each time is an <see cref="int"/> in which zero means null, so
/// <c>default</c> is <see cref="None"/>: a time of zero or more is kept plus one (int.MaxValue ms, 24 days, is kept as
/// one less), a negative one as it is.
/// </remarks>
public readonly struct TurnTimings : IEquatable<TurnTimings>
{
    private readonly int _queue;
    private readonly int _stt;
    private readonly int _ai;
    private readonly int _tts;
    private readonly int _store;
    private readonly int _total;
    private readonly int _transcript;
    private readonly int _firstToken;
    private readonly int _firstAudio;

    public TurnTimings(
        int? queueMs,
        int? sttMs,
        int? aiMs,
        int? ttsMs,
        int? storeMs,
        int? totalMs,
        int? transcriptMs = null,
        int? firstTokenMs = null,
        int? firstAudioMs = null)
    {
        _queue = Pack(queueMs);
        _stt = Pack(sttMs);
        _ai = Pack(aiMs);
        _tts = Pack(ttsMs);
        _store = Pack(storeMs);
        _total = Pack(totalMs);
        _transcript = Pack(transcriptMs);
        _firstToken = Pack(firstTokenMs);
        _firstAudio = Pack(firstAudioMs);
    }

    /// <summary>No stage has run yet (partial transcripts).</summary>
    public static TurnTimings None => default;

    public int? QueueMs => Unpack(_queue);

    public int? SttMs => Unpack(_stt);

    public int? AiMs => Unpack(_ai);

    public int? TtsMs => Unpack(_tts);

    public int? StoreMs => Unpack(_store);

    public int? TotalMs => Unpack(_total);

    public int? TranscriptMs => Unpack(_transcript);

    public int? FirstTokenMs => Unpack(_firstToken);

    public int? FirstAudioMs => Unpack(_firstAudio);

    public static bool operator ==(TurnTimings left, TurnTimings right) => left.Equals(right);

    public static bool operator !=(TurnTimings left, TurnTimings right) => !left.Equals(right);

    public bool Equals(TurnTimings other) =>
        (_queue, _stt, _ai, _tts, _store, _total, _transcript, _firstToken, _firstAudio) ==
        (other._queue, other._stt, other._ai, other._tts, other._store, other._total, other._transcript, other._firstToken, other._firstAudio);

    public override bool Equals(object? obj) => obj is TurnTimings other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(_queue, _stt, _ai, _tts, _store, _total), _transcript, _firstToken, _firstAudio);

    public override string ToString() =>
        $"queue {QueueMs}, stt {SttMs}, ai {AiMs}, tts {TtsMs}, store {StoreMs}, total {TotalMs}, " +
        $"transcript {TranscriptMs}, first token {FirstTokenMs}, first audio {FirstAudioMs} (ms)";

    /// <summary>A time or null as one int, zero for null (the encoding above; <c>ReplyClock</c> keeps its milestones in
    /// it too, so a milestone not reached yet is zero).</summary>
    internal static int Pack(int? ms) => ms switch
    {
        null => 0,
        >= 0 and var v => Math.Min(v, int.MaxValue - 1) + 1,
        var v => v.Value,
    };

    internal static int? Unpack(int packed) => packed switch
    {
        0 => null,
        > 0 => packed - 1,
        _ => packed,
    };
}
