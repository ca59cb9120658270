namespace RoleplayHub.Core;

/// <summary>
/// Milliseconds of the turn so far; what has not happened yet is null. The stages (<c>queueMs</c> … <c>storeMs</c>)
/// say where the time went; the milestones (<c>transcriptMs</c>, <c>firstTokenMs</c>, <c>firstAudioMs</c>) and
/// <c>totalMs</c> count from the end of the user's speech as the server knew it: the voice detector's stop, or the
/// flush (commit, idle) that ended the utterance.
/// </summary>
public sealed record TurnTimings(
    int? QueueMs,
    int? SttMs,
    int? AiMs,
    int? TtsMs,
    int? StoreMs,
    int? TotalMs,
    int? TranscriptMs = null,
    int? FirstTokenMs = null,
    int? FirstAudioMs = null)
{
    /// <summary>No stage has run yet (partial transcripts): one shared instance.</summary>
    public static TurnTimings None { get; } = new(null, null, null, null, null, null);
}
