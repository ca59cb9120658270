
namespace RoleplayHub.Hubs.Contracts;

/// <summary><c>start-session</c>: opens a new session, or resumes an existing one of the same user by its id.</summary>
public sealed record StartSessionRequest : HubRequest
{
    /// <summary>Client-chosen id (1–64 chars of <c>[A-Za-z0-9._:-]</c>); generated server-side when absent.</summary>
    public string? SessionId { get; init; }

    public string? ScenarioId { get; init; }

    /// <summary>BCP-47 tag such as <c>en-US</c>; defaults to the scenario's language.</summary>
    public string? Language { get; init; }

    public AudioFormatRequest? AudioFormat { get; init; }

    /// <summary>When resuming: the last event <c>seq</c> the client received; later events are sent again.</summary>
    public long? LastSeq { get; init; }

    /// <summary>Optional AI model profile from configuration (e.g. a large and a mini model).</summary>
    public string? ModelProfile { get; init; }

    /// <summary><c>false</c>: the user's turn ends only on <c>commit-audio</c> (or the longest utterance), never
    /// because chunks stopped arriving — for clients that always commit (push-to-talk, their own voice detector), so
    /// a network outage the server has not noticed yet cannot cut a sentence in two. Default <c>true</c>. Set when the
    /// session starts; a resume keeps it.</summary>
    public bool? IdleFlush { get; init; }

    /// <summary>How the user's turns end: absent or <c>{ "type": "none" }</c>, by the client (commit, idle flush);
    /// <c>{ "type": "server-vad" }</c>, also when the server hears the speaker stop. Set when the session starts; a
    /// resume keeps it.</summary>
    public TurnDetectionSettings? TurnDetection { get; init; }

    /// <summary><c>cascaded</c> or <c>realtime:&lt;profile&gt;</c> (a realtime speech-to-speech model this server has
    /// configured); absent, the scenario's or the server's default (<c>Engine:ByScenario</c>, <c>Engine:Default</c>).</summary>
    public string? Engine { get; init; }

    /// <summary>How each invoked <c>audio-chunk</c> is acknowledged: <c>event</c> (the default), an
    /// <c>audio-received</c> event beside the invocation's completion; <c>completion</c>, the completion's result (the
    /// same payload), one message per chunk instead of two — only for a client that invokes each chunk and waits for
    /// its completion (a chunk sent without an invocation id gets no completion). <c>stream-audio</c> items are always
    /// acknowledged with events. Every start and resume says it again: it is the client's way, not the session's.</summary>
    public string? AudioAck { get; init; }

    /// <summary>With <c>audioAck: "event"</c>: an <c>audio-received</c> for every Nth chunk only (1–32; 1, the default,
    /// is every chunk). Each acknowledgement carries the stream's total, so it covers the chunks before it; fewer
    /// messages per chunk for a client that needs the acknowledged offset only to resume.</summary>
    public int? AudioAckEvery { get; init; }
}

/// <summary><c>turnDetection</c>, shaped like OpenAI Realtime's <c>turn_detection</c>; null fields take the defaults
/// that <c>session-started</c> reports.</summary>
public sealed record TurnDetectionSettings
{
    /// <summary><c>server-vad</c>, <c>semantic-vad</c> or <c>none</c> (the default).</summary>
    public string? Type { get; init; }

    /// <summary><c>energy</c> or <c>silero</c>; the server's <c>Vad:DefaultDetector</c> when absent.</summary>
    public string? Detector { get; init; }

    /// <summary>Speech probability (0–1, exclusive) at which speech starts; the detector's own default when absent.</summary>
    public double? Threshold { get; init; }

    /// <summary>Audio kept from before the detected start of speech (0–1000 ms; default 300).</summary>
    public int? PrefixPaddingMs { get; init; }

    /// <summary>Silence that ends the turn (100–5000 ms; default 500). <c>server-vad</c> only.</summary>
    public int? SilenceMs { get; init; }

    /// <summary><c>semantic-vad</c> only: <c>low</c>, <c>medium</c>, <c>high</c> or <c>auto</c> (the default, = medium) —
    /// how soon the turn ends after words that sound finished, and how long the server waits after words that do not.</summary>
    public string? Eagerness { get; init; }
}

public sealed record AudioFormatRequest
{
    /// <summary><c>pcm16</c>, <c>wav</c>, <c>webm-opus</c> or <c>ogg-opus</c>.</summary>
    public string? Encoding { get; init; }

    public int? SampleRate { get; init; }

    public int? Channels { get; init; }
}
