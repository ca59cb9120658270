using RoleplayHub.Audio;

namespace RoleplayHub.Pipeline;

/// <summary>Why buffered audio was handed to the pipeline.</summary>
public enum FlushKind
{
    /// <summary>The buffer reached the flush size: an intermediate segment (partial transcription).</summary>
    Size,

    /// <summary>No new audio for the idle period: the utterance ended.</summary>
    Idle,

    /// <summary>The client called <c>commit-audio</c> (push-to-talk release).</summary>
    Commit,

    /// <summary>The utterance reached the maximum utterance length.</summary>
    MaxUtterance,

    /// <summary>Not audio: the client asked to retry the last turn, whose AI reply or speech failed.</summary>
    RetryTurn,
}

/// <summary>One unit of work in a session's ordered pipeline queue.</summary>
public sealed class PipelineItem(AudioSegment segment, FlushKind kind, long flushTimestamp) : IDisposable
{
    public AudioSegment Segment { get; } = segment;

    public FlushKind Kind { get; } = kind;

    public bool EndOfUtterance => Kind is FlushKind.Idle or FlushKind.Commit or FlushKind.MaxUtterance;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the flush happened (start of the turn's clock).</summary>
    public long FlushTimestamp { get; } = flushTimestamp;

    public void Dispose() => Segment.Dispose();
}
