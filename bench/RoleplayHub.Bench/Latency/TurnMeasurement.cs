namespace RoleplayHub.Bench.Latency;

/// <summary>
/// One clip streamed as one turn, on the generator's clock (<see cref="System.Diagnostics.Stopwatch"/> timestamps).
/// Its place in the session's stream (ms) is how a <c>speech-stopped</c> finds it; the turn number comes from that
/// event, or, without server VAD, from the final transcript after its commit.
/// </summary>
internal sealed class TurnMeasurement(string clip, long startMs, long endMs, long speechStartMs, long speechEndMs)
{
    /// <summary>Where the first word begins in the session's stream.</summary>
    public long SpeechStartMs { get; } = speechStartMs;

    /// <summary>When the first word began; unset until the chunk holding it is sent.</summary>
    public long? StartOfSpeech { get; set; }

    /// <summary>Barge-in: this clip was spoken over the persona's reply. <see cref="Interrupted"/> is when
    /// <c>response-interrupted</c> arrived; the two server timestamps are of it and of the <c>speech-started</c> that
    /// set it off (the server's own onset detected → interruption sent).</summary>
    public long? Interrupted { get; set; }

    public long? SpeechStartedServerMs { get; set; }

    public long? InterruptedServerMs { get; set; }

    public string Clip { get; } = clip;

    public long StartMs { get; } = startMs;

    public long EndMs { get; } = endMs;

    /// <summary>Where the last word ends in the session's stream.</summary>
    public long SpeechEndMs { get; } = speechEndMs;

    /// <summary>When the last word ended; unset until the chunk holding it is sent.</summary>
    public long? EndOfSpeech { get; set; }

    public long? CommitSent { get; set; }

    public int? Turn { get; set; }

    /// <summary>The last <c>speech-stopped</c> in this clip's stretch of the stream, and how many there were (more
    /// than one: the detector split the clip into turns).</summary>
    public long? SpeechStopped { get; set; }

    public int Stops { get; set; }

    /// <summary>The last stop's <c>audioEndMs</c> less where the last word ended, both in the session's stream: how
    /// late (or early) the detector put the end of speech, before the <c>silenceMs</c> that confirms it.</summary>
    public long? StopErrorMs { get; set; }

    /// <summary>When the turn ended: the stop detected, or the commit sent.</summary>
    public long? TurnEnded => SpeechStopped ?? CommitSent;

    public long? FinalTranscript { get; set; }

    public long? FirstAudio { get; set; }

    /// <summary>The server's milestones from the first <c>avatar-response</c>'s timings (null where it has none).</summary>
    public int? TranscriptMs { get; set; }

    public int? FirstTokenMs { get; set; }

    public int? FirstAudioMs { get; set; }

    /// <summary>Why no reply was measured, when none was.</summary>
    public string? Missed { get; set; }
}
