using System.Text.Json.Serialization;
using RoleplayHub.Core;

namespace RoleplayHub.Hubs.Contracts;

// Server → client payloads. Field names are the wire contract (camelCase through the JSON hub protocol);
// docs/hub-contract.md describes each with its units: timestamps are Unix epoch milliseconds, durations milliseconds.

public sealed record SessionStartedEvent(
    string SessionId,
    string ScenarioId,
    string Language,
    int MaxTurns,
    PersonaInfo BuyerPersona,
    AudioConfig AudioConfig,
    TurnDetectionConfig TurnDetection,
    bool Resumed,
    long ReceivedBytes,
    int TurnCount,
    long Timestamp,
    string Engine = "cascaded")
{
    /// <summary>What the client should know before speaking (an 8 kHz stream the recogniser cannot hear well);
    /// absent when nothing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

public sealed record PersonaInfo(string Name, string Role, string Description, string Voice);

public sealed record AudioConfig(
    string Encoding,
    int SampleRate,
    int Channels,
    int ChunkMs,
    int MaxChunkBytes,
    int FlushBytes,
    int FlushIdleMs);

/// <summary>The session's turn detection with every default filled in; only <c>type</c> when it is <c>none</c>.</summary>
public sealed record TurnDetectionConfig(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detector,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Threshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PrefixPaddingMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SilenceMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Eagerness,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? UnfinishedSilenceMs);

public sealed record AudioReceivedEvent(string SessionId, int AudioSize, long Offset, long TotalBytes, long Timestamp)
{
    /// <summary>Present (true) only when the chunk had been received before and was ignored.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Duplicate { get; init; }

    /// <summary>Present only on the chunk that changed the stream's settings: a WAV stream declared without a rate and
    /// channels, once its header gave them (the flush is then sized for the file's real format).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AudioConfig? AudioConfig { get; init; }

    /// <summary>Present only beside an <see cref="AudioConfig"/> the recogniser cannot use well (a WAV header at
    /// 8 kHz), in the words of <c>session-started.warnings</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>Pipeline events carry <c>seq</c>, the session's event sequence number (1, 2, …): a client that resumes a
/// session passes the last one it saw as <c>lastSeq</c> and gets everything after it again.</summary>
public abstract record SequencedEvent
{
    public long Seq { get; init; }
}

public sealed record TranscriptionEvent(
    string SessionId,
    int Turn,
    string Text,
    bool IsFinal,
    IReadOnlyList<WordTiming>? Words,
    TurnTimings Timings,
    long Timestamp) : SequencedEvent;

/// <summary>The next piece of the persona's reply as the model writes it; <c>index</c> counts the turn's deltas from 0.
/// Not numbered (seq 0) nor replayed: the whole <c>ai-response</c> supersedes them.</summary>
public sealed record AiResponseDeltaEvent(string SessionId, int Turn, int Index, string Text, long Timestamp);

public sealed record AiResponseEvent(
    string SessionId,
    int Turn,
    string Text,
    int TurnCount,
    int MaxTurns,
    TurnTimings Timings,
    long Timestamp) : SequencedEvent
{
    /// <summary>Present (true) only when the model stopped mid-reply: <c>text</c> is what it wrote until then.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Cut { get; init; }

    /// <summary>Present (true) only when no <c>avatar-response</c> follows for this turn: a realtime model's opening line.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TextOnly { get; init; }
}

public sealed record AvatarResponseEvent(
    string SessionId,
    int Turn,
    int Segment,
    bool IsLast,
    string Text,
    string AudioUrl,
    string? VideoUrl,
    int Duration,
    string MimeType,
    IReadOnlyList<VisemeCue>? Visemes,
    TurnTimings Timings,
    long Timestamp) : SequencedEvent;

/// <summary>The trainee cut in: the persona stopped writing and speaking its reply to <c>turn</c>; stop playing it.
/// <c>heardText</c> is the part that was heard (<c>playedMs</c> of its audio), all the conversation keeps if the
/// interruption stands.</summary>
public sealed record ResponseInterruptedEvent(string SessionId, int Turn, string HeardText, int PlayedMs, long Timestamp) : SequencedEvent;

/// <summary>The interruption was false (no words within the timeout, a backchannel, an echo): the persona continues its
/// reply to <c>turn</c> with new <c>avatar-response</c> segments from <c>fromSegment</c>.</summary>
public sealed record ResponseResumedEvent(string SessionId, int Turn, int FromSegment, long Timestamp) : SequencedEvent;

/// <summary>Server voice detection heard the user start speaking, <c>audioStartMs</c> into the session's audio (prefix
/// padding included); <c>turn</c> is the turn this speech becomes if words are recognised in it.</summary>
public sealed record SpeechStartedEvent(string SessionId, int Turn, long AudioStartMs, long Timestamp) : SequencedEvent;

/// <summary>The user's speech ended, <c>audioEndMs</c> into the session's audio: the final transcript follows (or a
/// <c>no-speech</c> error).</summary>
public sealed record SpeechStoppedEvent(string SessionId, int Turn, long AudioEndMs, long Timestamp) : SequencedEvent;

/// <summary>The session's last event; <c>report</c> is its coaching report (docs/coaching.md), absent when coaching is
/// off.</summary>
public sealed record SessionEndedEvent(
    string SessionId,
    string Reason,
    int TotalTurns,
    long Duration,
    long Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CoachingReport? Report = null);

/// <summary>An error. Errors raised by the pipeline carry a <c>seq</c>; refusals of a call carry 0.</summary>
public sealed record ErrorEvent(string? SessionId, string Code, string Message, bool Retryable, long Timestamp) : SequencedEvent;

/// <summary>An admin's message (<c>POST /api/admin/notices</c>), not tied to a session.</summary>
public sealed record NoticeEvent(string Message, long Timestamp);
