namespace RoleplayHub.Sessions;

/// <summary>A failure reported to the client as an <c>error</c> event: a stable code, a plain message, and whether
/// trying again (unchanged, later) can succeed. A message never exceeds <see cref="MaxMessageLength"/> characters, and
/// what the client sent is echoed through <see cref="Echo"/>, so a huge bad value is not sent back in full.</summary>
public readonly record struct HubError(string Code, string Message, bool Retryable)
{
    public const int MaxMessageLength = 600;

    public const int MaxEchoLength = 64;

    public string Message { get; init; } = Message.Length <= MaxMessageLength ? Message : string.Concat(Message.AsSpan(0, MaxMessageLength - 1), "…");

    /// <summary>A value the client sent, for a message: quoted, and cut to <see cref="MaxEchoLength"/> characters.</summary>
    public static string Echo(string? value) => value is null ? "(none)"
        : value.Length <= MaxEchoLength ? $"'{value}'" : $"'{value.AsSpan(0, MaxEchoLength)}…' ({value.Length} characters)";

    public static HubError InvalidRequest(string message) => new(ErrorCodes.InvalidRequest, message, false);

    public static HubError SessionNotFound(string? sessionId) =>
        new(ErrorCodes.SessionNotFound, $"No session {Echo(sessionId)} is open for this user.", false);

    public static HubError SessionEnded(string sessionId, string reason) =>
        new(ErrorCodes.SessionEnded, $"Session {Echo(sessionId)} has ended ({reason}).", false);

    public static HubError InvalidAudio(string message) => new(ErrorCodes.InvalidAudio, message, false);

    public static HubError Internal() => new(ErrorCodes.Internal, "The server failed to handle this request; it has been logged.", true);
}

/// <summary>Every <c>error.code</c> the hub sends. docs/hub-contract.md explains when each is used.</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid-request";
    public const string UnknownScenario = "unknown-scenario";
    public const string UnsupportedLanguage = "unsupported-language";
    public const string UnsupportedAudioFormat = "unsupported-audio-format";
    public const string SessionExists = "session-exists";
    public const string SessionLimit = "session-limit";
    public const string ServerBusy = "server-busy";
    public const string SessionNotFound = "session-not-found";
    public const string SessionEnded = "session-ended";
    public const string SessionNotAttached = "session-not-attached";
    public const string InvalidAudio = "invalid-audio";
    public const string ChunkTooLarge = "chunk-too-large";
    public const string RateLimited = "rate-limited";
    public const string AudioGap = "audio-gap";
    public const string Backpressure = "audio-backpressure";
    public const string NoSpeech = "no-speech";
    public const string AudioClipping = "audio-clipping";
    public const string SttUnavailable = "stt-unavailable";
    public const string SttFailed = "stt-failed";
    public const string AiFailed = "ai-failed";
    public const string TtsFailed = "tts-failed";
    public const string StorageFailed = "storage-failed";
    public const string EventsMissed = "events-missed";
    public const string ConnectionLimit = "connection-limit";
    public const string ConnectionIdle = "connection-idle";
    public const string Internal = "internal-error";
}
