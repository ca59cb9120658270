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
}

/// <summary>One unit of work in a session's ordered pipeline queue.</summary>
public sealed class PipelineItem(AudioSegment segment, FlushKind kind, long flushTimestamp) : IDisposable
{
    public AudioSegment Segment { get; } = segment;

    public FlushKind Kind { get; } = kind;

    public bool EndOfUtterance => Kind != FlushKind.Size;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the flush happened (start of the turn's clock).</summary>
    public long FlushTimestamp { get; } = flushTimestamp;

    public void Dispose() => Segment.Dispose();
}
