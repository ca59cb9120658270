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
}

public sealed record AudioFormatRequest
{
    /// <summary><c>pcm16</c>, <c>wav</c>, <c>webm-opus</c> or <c>ogg-opus</c>.</summary>
    public string? Encoding { get; init; }

    public int? SampleRate { get; init; }

    public int? Channels { get; init; }
}
