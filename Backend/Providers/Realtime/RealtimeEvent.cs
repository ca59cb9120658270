namespace RoleplayHub.Providers.Realtime;

/// <summary>Something the realtime model said or did, in the vendor-neutral form every connection reports.</summary>
public abstract record RealtimeEvent;

/// <summary>The vendor's VAD heard the user start, <paramref name="AudioStartMs"/> into the audio sent on this connection.</summary>
public sealed record SpeechStarted(long AudioStartMs) : RealtimeEvent;

/// <summary>The vendor's VAD heard the user stop; a reply follows by itself.</summary>
public sealed record SpeechStopped(long AudioEndMs) : RealtimeEvent;

/// <summary>The user's words: not final = the text so far of the utterance being transcribed; final = the whole utterance.</summary>
public sealed record InputTranscript(string Text, bool IsFinal) : RealtimeEvent;

/// <summary>A reply began (<c>response.created</c>; Gemini: the first model content of a turn).</summary>
public sealed record ResponseStarted(string ResponseId) : RealtimeEvent;

/// <summary>A piece of the reply's audio, PCM16 at <see cref="IRealtimeConnection.OutputSampleRate"/>; the memory is the event's own.</summary>
public sealed record OutputAudio(ReadOnlyMemory<byte> Pcm16) : RealtimeEvent
{
    /// <summary>When the message carrying it was read from the socket (<see cref="System.Diagnostics.Stopwatch"/>
    /// ticks; 0 = unknown): where the server's own time on the reply starts.</summary>
    public long ReceivedAt { get; init; }
}

/// <summary>More of the reply's transcript (what the model is saying).</summary>
public sealed record OutputTranscriptDelta(string Text) : RealtimeEvent;

/// <summary>The reply ended: its whole transcript as the vendor sent it, and how it ended.</summary>
public sealed record ResponseDone(string Transcript, RealtimeResponseStatus Status) : RealtimeEvent;

/// <summary>The vendor confirmed a truncation: the assistant item now ends <paramref name="AudioEndMs"/> into its audio.
/// OpenAI drops the truncated item's transcript, so the heard text is the caller's estimate.</summary>
public sealed record ResponseTruncated(string ItemId, long AudioEndMs) : RealtimeEvent;

/// <summary>Gemini stopped its reply because the user spoke (<c>serverContent.interrupted</c>): flush playback.</summary>
public sealed record Interrupted : RealtimeEvent;

/// <summary>The vendor will close this connection soon (Gemini <c>goAway</c>; OpenAI's <c>session_expired</c> just before
/// its close): reconnect, with <see cref="ResumptionUpdate"/>'s handle or by re-seeding the history.</summary>
public sealed record SessionExpiring(TimeSpan? TimeLeft) : RealtimeEvent;

/// <summary>Gemini: a handle that continues this session on a new connection (<see cref="RealtimeSessionSetup.ResumptionHandle"/>).</summary>
public sealed record ResumptionUpdate(string Handle) : RealtimeEvent;

/// <summary>The vendor reported a failure (an <c>error</c> event, a rate limit). <paramref name="Code"/> is one of
/// <see cref="Core.ErrorCodes"/>; <paramref name="VendorCode"/> is the vendor's own code for the log.</summary>
public sealed record RealtimeFailure(string Code, string Message, bool Retryable, string? VendorCode = null) : RealtimeEvent;

/// <summary>The connection is closed; the last event of <see cref="IRealtimeConnection.Events"/>.</summary>
public sealed record Closed(RealtimeCloseReason Reason, string Detail) : RealtimeEvent;

public enum RealtimeResponseStatus
{
    Completed,
    Cancelled,
    Incomplete,
    Failed,
}

public enum RealtimeCloseReason
{
    /// <summary>The vendor's session length cap (OpenAI 60 min, Gemini's connection lifetime after <c>goAway</c>).</summary>
    SessionCap,

    /// <summary>The vendor closed the connection without saying why it was a cap.</summary>
    Remote,

    /// <summary>The connection failed (network, protocol).</summary>
    Error,

    /// <summary>We ended it (<see cref="IRealtimeConnection.FinishAsync"/> or dispose).</summary>
    Finished,
}
