namespace RoleplayHub.Core;

/// <summary>The container/codec of a session's incoming audio stream.</summary>
public enum AudioEncoding
{
    /// <summary>Raw little-endian signed 16-bit PCM.</summary>
    Pcm16,

    /// <summary>RIFF/WAVE with 16-bit PCM (one header per stream, or one per utterance).</summary>
    Wav,

    /// <summary>WebM with Opus, what <c>MediaRecorder</c> produces in Chromium and Firefox.</summary>
    WebmOpus,

    /// <summary>Ogg with Opus, what <c>MediaRecorder</c> produces in Firefox when asked for <c>audio/ogg</c>.</summary>
    OggOpus,
}
