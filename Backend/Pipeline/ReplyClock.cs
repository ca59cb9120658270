using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>
/// One turn's clock, from the end of the user's speech (<see cref="Start"/>): the stages the turn has run and the
/// milestones it has reached — final transcript, first reply token, first audio on the wire. The reply's writer and its
/// speaker run at once and both read and set it: each milestone is set once, by whichever reaches it first (a
/// compare-and-swap, not a lock: the clock lives as long as the reply in flight, until the next turn, and a lock object
/// beside it would be one more object each young collection copies).
/// </summary>
internal sealed class ReplyClock(PipelineServices services, long start, int? queueMs, int? sttMs)
{
    // Each as TurnTimings packs a time: zero until it is reached.
    private int _transcriptMs;
    private int _firstTokenMs;
    private int _aiMs;
    private int _firstAudioMs;

    public long Start { get; } = start;

    public int? QueueMs { get; } = queueMs;

    public int? SttMs { get; } = sttMs;

    public int? TranscriptMs => Read(ref _transcriptMs);

    public int? FirstTokenMs => Read(ref _firstTokenMs);

    public int? FirstAudioMs => Read(ref _firstAudioMs);

    public int? AiMs
    {
        get => Read(ref _aiMs);
        set => Volatile.Write(ref _aiMs, TurnTimings.Pack(value));
    }

    /// <summary>Milliseconds since the end of speech.</summary>
    public int Elapsed => services.Ms(Start, services.Now);

    /// <summary>The final transcript is out: returns its milestone (recorded once).</summary>
    public int TranscriptReached() => Reach(ref _transcriptMs, "final-transcript");

    /// <summary>The model's first text arrived.</summary>
    public int FirstTokenReached() => Reach(ref _firstTokenMs, "first-token");

    /// <summary>The first avatar-response is going on the wire.</summary>
    public int FirstAudioReached() => Reach(ref _firstAudioMs, "first-audio");

    /// <summary>The timings so far, with this segment's speech and storage when there is one.</summary>
    public TurnTimings Timings(int? ttsMs = null, int? storeMs = null) =>
        new(QueueMs, SttMs, AiMs, ttsMs, storeMs, Elapsed, TranscriptMs, FirstTokenMs, FirstAudioMs);

    private static int? Read(ref int milestone) => TurnTimings.Unpack(Volatile.Read(ref milestone));

    private int Reach(ref int milestone, string name)
    {
        if (Read(ref milestone) is { } reached)
        {
            return reached;
        }

        var exact = services.ExactMs(Start, services.Now);
        var ms = (int)Math.Round(exact);
        if (TurnTimings.Unpack(Interlocked.CompareExchange(ref milestone, TurnTimings.Pack(ms), 0)) is { } earlier)
        {
            return earlier; // the other side reached it first
        }

        services.Metrics.TurnLatency.Record(exact, new KeyValuePair<string, object?>("milestone", name));
        return ms;
    }
}
