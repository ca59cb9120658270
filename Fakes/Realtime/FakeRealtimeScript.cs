using System.Collections.Concurrent;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>A failure the fake produces instead of its next reply.</summary>
public enum FakeFault
{
    /// <summary>OpenAI-shaped: an <c>error</c> event with code <c>rate_limit_exceeded</c>; Gemini: close 1011 with a quota message.</summary>
    RateLimit,

    /// <summary>OpenAI-shaped: an <c>error</c> event of type <c>server_error</c>; Gemini: close 1011.</summary>
    ServerError,
}

/// <summary>
/// What the fake "hears" and answers. It cannot recognise speech, so a test enqueues the next user transcripts and
/// replies; otherwise the transcript says how much speech it heard ("(1.8 s of speech)") and the reply is
/// <see cref="FakeRealtimeOptions.DefaultReply"/>. Shared by every connection to one fake server.
/// </summary>
public sealed class FakeRealtimeScript
{
    private readonly ConcurrentQueue<string> _transcripts = new();
    private readonly ConcurrentQueue<string> _replies = new();
    private readonly ConcurrentQueue<FakeFault> _faults = new();

    public void EnqueueUserTranscript(string text) => _transcripts.Enqueue(text);

    public void EnqueueReply(string text) => _replies.Enqueue(text);

    public void FailNextResponse(FakeFault fault) => _faults.Enqueue(fault);

    internal string TranscriptFor(double speechMs) =>
        _transcripts.TryDequeue(out var text) ? text : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({speechMs / 1000:0.0} s of speech)");

    internal string ReplyOr(string fallback) => _replies.TryDequeue(out var text) ? text : fallback;

    internal FakeFault? NextFault() => _faults.TryDequeue(out var fault) ? fault : null;
}
