using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>What a turn produces, in the pipeline's own terms: the session numbers these events and keeps them for
/// replay, and the hub puts them on the wire.</summary>
public abstract record TurnEvent;

/// <summary>What the user said: partial while they speak, final (with word timings) at the end of the utterance.</summary>
public sealed record TurnTranscript(int Turn, string Text, bool IsFinal, IReadOnlyList<WordTiming>? Words, TurnTimings Timings) : TurnEvent;

/// <summary>The next piece of the persona's reply as the model writes it (<see cref="Index"/> 0, 1, …): superseded by
/// the whole <see cref="TurnReply"/>, so transient like a partial transcript.</summary>
public sealed record TurnReplyDelta(int Turn, int Index, string Text) : TurnEvent;

/// <summary>The persona's whole reply to a turn; <paramref name="Cut"/> when the model stopped before the end and this
/// is what it wrote until then; <paramref name="TextOnly"/> when no speech follows for the turn (a realtime model's
/// opening line), so a client waiting for the persona to finish speaking must not wait.</summary>
public sealed record TurnReply(int Turn, string Text, int TurnCount, int MaxTurns, TurnTimings Timings, bool Cut = false, bool TextOnly = false) : TurnEvent;

/// <summary>One spoken sentence of the reply: its stored audio and lip-sync. The audio is its media key and the base URL
/// the session's client reaches the server by: the URL is signed as the event is sent, so an event kept for a replay
/// holds a key the turn's record holds anyway (not a URL string of its own for the collector to promote), and a
/// replayed event carries a URL that has not expired.</summary>
public sealed record TurnSpeech(
    int Turn,
    int Segment,
    bool IsLast,
    string Text,
    string AudioKey,
    string? MediaBaseUrl,
    string? VideoUrl,
    int DurationMs,
    string MimeType,
    IReadOnlyList<VisemeCue>? Visemes,
    TurnTimings Timings) : TurnEvent;

/// <summary>A problem the client is told about (the stage that failed, audio it could not use…).</summary>
public sealed record TurnError(ClientError Error) : TurnEvent;

/// <summary>The trainee cut in on the persona's reply to <see cref="Turn"/>: its generation and speech stopped, and only
/// <see cref="HeardText"/> — <see cref="PlayedMs"/> of its audio — was heard.</summary>
public sealed record ReplyInterrupted(int Turn, string HeardText, int PlayedMs) : TurnEvent;

/// <summary>The interruption was false (no words, a backchannel, the persona's own voice): the persona goes on with
/// its reply to <see cref="Turn"/>, from segment <see cref="FromSegment"/>.</summary>
public sealed record ReplyResumed(int Turn, int FromSegment) : TurnEvent;

/// <summary>Server voice detection heard the user start speaking, <see cref="AudioStartMs"/> into the session's audio
/// (prefix padding included). <see cref="Turn"/> is the turn the speech will be if words are recognised in it.</summary>
public sealed record UserSpeechStarted(int Turn, long AudioStartMs) : TurnEvent;

/// <summary>Server voice detection (or a commit, or the idle flush, during speech) ended the user's speech,
/// <see cref="AudioEndMs"/> into the session's audio; recognition is being finalised.</summary>
public sealed record UserSpeechStopped(int Turn, long AudioEndMs) : TurnEvent;
