namespace RoleplayHub.Core;

/// <summary>Every <c>error.code</c> a client can be sent. docs/hub-contract.md explains when each is used.</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid-request";
    public const string UnknownScenario = "unknown-scenario";
    public const string UnsupportedLanguage = "unsupported-language";
    public const string UnsupportedAudioFormat = "unsupported-audio-format";
    public const string UnsupportedTurnDetection = "unsupported-turn-detection";
    public const string UnsupportedEngine = "unsupported-engine";
    public const string SessionExists = "session-exists";
    public const string SessionLimit = "session-limit";
    public const string ServerBusy = "server-busy";
    public const string SessionNotFound = "session-not-found";
    public const string SessionEnded = "session-ended";
    public const string SessionNotAttached = "session-not-attached";
    public const string SessionOnAnotherNode = "session-on-another-node";
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
    public const string AiCut = "ai-cut";
    public const string TtsFailed = "tts-failed";
    public const string StorageFailed = "storage-failed";
    public const string EventsMissed = "events-missed";
    public const string ConnectionLimit = "connection-limit";
    public const string ConnectionIdle = "connection-idle";
    public const string Kicked = "kicked";
    public const string Internal = "internal-error";
}
