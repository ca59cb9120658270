
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
}

public sealed record AudioFormatRequest
{
    /// <summary><c>pcm16</c>, <c>wav</c>, <c>webm-opus</c> or <c>ogg-opus</c>.</summary>
    public string? Encoding { get; init; }

    public int? SampleRate { get; init; }

    public int? Channels { get; init; }
}
