using Microsoft.Extensions.Options;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Providers;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>What every session's <see cref="TurnPipeline"/> shares (singletons), gathered so a worker's
/// constructor only names what is its own.</summary>
public sealed class PipelineServices(
    ISessionJournal journal,
    IMediaStore mediaStore,
    RoleplayMetrics metrics,
    TimeProvider time,
    IOptions<SttOptions> stt,
    IOptions<TtsOptions> tts,
    IOptions<AiOptions> ai,
    IOptions<MediaOptions> media,
    IOptions<BargeInOptions> bargeIn,
    IOptions<EndOfTurnOptions> endOfTurn,
    RecordingFiles recordings,
    ILogger<PipelineServices> logger)
{
    public ISessionJournal Journal { get; } = journal;

    public IMediaStore MediaStore { get; } = mediaStore;

    public RoleplayMetrics Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public SttOptions Stt { get; } = stt.Value;

    public TtsOptions Tts { get; } = tts.Value;

    public AiOptions Ai { get; } = ai.Value;

    public MediaOptions Media { get; } = media.Value;

    public BargeInOptions BargeIn { get; } = bargeIn.Value;

    /// <summary>semantic-vad's judge of words that leave a sentence open.</summary>
    public UnfinishedWords UnfinishedWords { get; } = new(endOfTurn.Value.UnfinishedWords);

    /// <summary>A timestamp of <see cref="Time"/>, for stage timings.</summary>
    public long Now => Time.GetTimestamp();

    /// <summary>Whole milliseconds between two timestamps.</summary>
    public int Ms(long from, long to) => (int)Math.Round(ExactMs(from, to));

    public double ExactMs(long from, long to) => Time.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>The files utterance recordings are written to before they are stored.</summary>
    public RecordingFiles Recordings { get; } = recordings;
}
