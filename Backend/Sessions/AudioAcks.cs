namespace RoleplayHub.Sessions;

/// <summary>How a client wants each invoked audio chunk acknowledged (start-session's <c>audioAck</c>).</summary>
public static class AudioAcks
{
    /// <summary>An <c>audio-received</c> event per chunk, beside the invocation's completion: the default, and what
    /// a client that sends chunks without waiting for completions needs.</summary>
    public const string Event = "event";

    /// <summary>The invocation's completion carries the acknowledgement as its result: one message per chunk instead
    /// of two.</summary>
    public const string Completion = "completion";

    /// <summary>The most chunks one <c>audio-received</c> may cover (<c>audioAckEvery</c>): 32 chunks of 250 ms are
    /// 8 s of audio a client keeps for a resend.</summary>
    public const int MaxEvery = 32;
}
