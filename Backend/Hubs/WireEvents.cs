using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;
using RoleplayHub.Storage;

namespace RoleplayHub.Hubs;

/// <summary>The boundary between the session layer's vocabulary and the wire: each message becomes the hub event a
/// client receives (docs/hub-contract.md), and each request becomes what the session layer takes.</summary>
internal static class WireEvents
{
    public static SessionStartedEvent ToWire(this SessionStart s) => new(
        s.SessionId, s.ScenarioId, s.Language, s.MaxTurns,
        new PersonaInfo(s.Persona.Name, s.Persona.Role, s.Persona.Description, s.Persona.Voice),
        s.Audio.ToWire(),
        new TurnDetectionConfig(s.TurnDetection.Type, s.TurnDetection.Detector, s.TurnDetection.Threshold, s.TurnDetection.PrefixPaddingMs, s.TurnDetection.SilenceMs,
            s.TurnDetection.Eagerness, s.TurnDetection.UnfinishedSilenceMs),
        s.Resumed, s.ReceivedBytes, s.TurnCount, s.Timestamp, s.Engine)
    {
        Warnings = s.Warnings.Count > 0 ? s.Warnings : null,
    };

    /// <summary>A session's event as its wire payload (seq 0: a transient one, such as a partial transcript). The one
    /// place that says which payload each turn event becomes, whatever the transport; media URLs are signed here, as
    /// the event is sent.</summary>
    public static object ToWire(this SessionEvent evt, string sessionId, IMediaStore media) => evt.Payload switch
    {
        TurnTranscript transcript => transcript.ToWire(sessionId, evt.Seq, evt.Timestamp),
        ReplyInterrupted interrupted => interrupted.ToWire(sessionId, evt.Seq, evt.Timestamp),
        ReplyResumed resumed => resumed.ToWire(sessionId, evt.Seq, evt.Timestamp),
        TurnReplyDelta delta => delta.ToWire(sessionId, evt.Timestamp),
        TurnReply reply => reply.ToWire(sessionId, evt.Seq, evt.Timestamp),
        TurnSpeech speech => speech.ToWire(sessionId, evt.Seq, evt.Timestamp, media),
        UserSpeechStarted started => started.ToWire(sessionId, evt.Seq, evt.Timestamp),
        UserSpeechStopped stopped => stopped.ToWire(sessionId, evt.Seq, evt.Timestamp),
        TurnError error => error.Error.ToWire(sessionId, evt.Seq, evt.Timestamp),
        _ => throw new ArgumentOutOfRangeException(nameof(evt), evt.Payload.GetType().Name, "Not a turn event the hub knows."),
    };

    public static AudioConfig ToWire(this AudioSettings a) =>
        new(a.Encoding, a.SampleRate, a.Channels, a.ChunkMs, a.MaxChunkBytes, a.FlushBytes, a.FlushIdleMs);

    /// <summary>The acknowledgement of an accepted chunk; it carries <c>audioConfig</c> when the chunk changed it.</summary>
    public static AudioReceivedEvent ToAcknowledgement(this ChunkOutcome outcome, string sessionId, long timestamp) =>
        new(sessionId, outcome.AudioSize, outcome.Offset, outcome.TotalBytes, timestamp)
        {
            Duplicate = outcome.Duplicate,
            AudioConfig = outcome.AudioChanged?.ToWire(),
            Warnings = outcome.Warning is { } warning ? [warning] : null,
        };

    public static SessionEndedEvent ToWire(this SessionEnd e) => new(e.SessionId, e.Reason, e.TotalTurns, e.DurationMs, e.Timestamp, e.Report);

    public static TranscriptionEvent ToWire(this TurnTranscript t, string sessionId, long seq, long timestamp) =>
        new(sessionId, t.Turn, t.Text, t.IsFinal, t.Words, t.Timings, timestamp) { Seq = seq };

    public static ResponseInterruptedEvent ToWire(this ReplyInterrupted r, string sessionId, long seq, long timestamp) =>
        new(sessionId, r.Turn, r.HeardText, r.PlayedMs, timestamp) { Seq = seq };

    public static ResponseResumedEvent ToWire(this ReplyResumed r, string sessionId, long seq, long timestamp) =>
        new(sessionId, r.Turn, r.FromSegment, timestamp) { Seq = seq };

    public static AiResponseDeltaEvent ToWire(this TurnReplyDelta d, string sessionId, long timestamp) =>
        new(sessionId, d.Turn, d.Index, d.Text, timestamp);

    public static AiResponseEvent ToWire(this TurnReply r, string sessionId, long seq, long timestamp) =>
        new(sessionId, r.Turn, r.Text, r.TurnCount, r.MaxTurns, r.Timings, timestamp) { Seq = seq, Cut = r.Cut, TextOnly = r.TextOnly };

    public static AvatarResponseEvent ToWire(this TurnSpeech s, string sessionId, long seq, long timestamp, IMediaStore media) =>
        new(sessionId, s.Turn, s.Segment, s.IsLast, s.Text, media.GetUrl(s.AudioKey, s.MediaBaseUrl), s.VideoUrl, s.DurationMs, s.MimeType, s.Visemes, s.Timings, timestamp) { Seq = seq };

    public static SpeechStartedEvent ToWire(this UserSpeechStarted s, string sessionId, long seq, long timestamp) =>
        new(sessionId, s.Turn, s.AudioStartMs, timestamp) { Seq = seq };

    public static SpeechStoppedEvent ToWire(this UserSpeechStopped s, string sessionId, long seq, long timestamp) =>
        new(sessionId, s.Turn, s.AudioEndMs, timestamp) { Seq = seq };

    public static ErrorEvent ToWire(this ClientError error, string? sessionId, long seq, long timestamp) =>
        new(sessionId, error.Code, error.Message, error.Retryable, timestamp) { Seq = seq };

    /// <summary>A refusal of what the client sent: the session id it named comes back cut to
    /// <see cref="ClientError.MaxEchoLength"/> characters (a longer one is never valid).</summary>
    public static ErrorEvent ToRefusal(this ClientError error, string? sessionId, long timestamp) =>
        new(sessionId is { Length: > ClientError.MaxEchoLength } ? sessionId[..ClientError.MaxEchoLength] : sessionId,
            error.Code, error.Message, error.Retryable, timestamp);

    public static StartRequest ToSessions(this StartSessionRequest r) => new(
        r.SessionId, r.ScenarioId, r.Language, r.AudioFormat is not null, r.AudioFormat?.Encoding, r.AudioFormat?.SampleRate, r.AudioFormat?.Channels,
        r.LastSeq, r.ModelProfile, r.IdleFlush,
        r.TurnDetection is { } t ? new TurnDetectionRequest(t.Type, t.Detector, t.Threshold, t.PrefixPaddingMs, t.SilenceMs, t.Eagerness) : null,
        r.Engine, r.AudioAck, r.AudioAckEvery);

    public static IncomingChunk ToSessions(this AudioChunkRequest r) => new(r.Offset, r.Audio, r.TooLarge, r.BindingError);
}
