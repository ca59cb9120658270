using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>
/// One turn's clock, from the end of the user's speech (<see cref="Start"/>): the stages the turn has run and the
/// milestones it has reached — final transcript, first reply token, first audio on the wire. The reply's writer and its
/// speaker run at once and both read and set it, so every member is under one lock; each milestone is set once.
/// </summary>
internal sealed class ReplyClock(PipelineServices services, long start, int? queueMs, int? sttMs)
{
    private readonly Lock _gate = new();
    private int? _transcriptMs;
    private int? _firstTokenMs;
    private int? _aiMs;
    private int? _firstAudioMs;

    public long Start { get; } = start;

    public int? QueueMs { get; } = queueMs;

    public int? SttMs { get; } = sttMs;

    public int? TranscriptMs
    {
        get { lock (_gate) { return _transcriptMs; } }
    }

    public int? FirstTokenMs
    {
        get { lock (_gate) { return _firstTokenMs; } }
    }

    public int? FirstAudioMs
    {
        get { lock (_gate) { return _firstAudioMs; } }
    }

    public int? AiMs
    {
        get { lock (_gate) { return _aiMs; } }
        set { lock (_gate) { _aiMs = value; } }
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
    public TurnTimings Timings(int? ttsMs = null, int? storeMs = null)
    {
        lock (_gate)
        {
            return new TurnTimings(QueueMs, SttMs, _aiMs, ttsMs, storeMs, Elapsed, _transcriptMs, _firstTokenMs, _firstAudioMs);
        }
    }

    private int Reach(ref int? milestone, string name)
    {
        lock (_gate)
        {
            if (milestone is { } reached)
            {
                return reached;
            }

            var exact = services.ExactMs(Start, services.Now);
            milestone = (int)Math.Round(exact);
            services.Metrics.TurnLatency.Record(exact, new KeyValuePair<string, object?>("milestone", name));
            return milestone.Value;
        }
    }
}
