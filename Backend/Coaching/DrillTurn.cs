using RoleplayHub.History;

namespace RoleplayHub.Coaching;

/// <summary>
/// What a drill's coaching reads of one turn: its two texts and the few times the analytics use. It holds no other
/// reference: the capture keeps one per turn for as long as the session runs, where the turn's whole record (its audio
/// keys, segments, word timings and errors) would be copied by every collection that promotes it.
/// </summary>
public sealed record DrillTurn(
    int Turn,
    string UserText,
    string? AiText,
    DateTimeOffset StartedAt,
    int? QueueMs,
    int? FirstAudioMs,
    long? SpeakingMs, // the trainee's first word's start to last word's end; null without word timings
    long PersonaMs, // how long the reply was heard: all of its segments, or what played before the trainee cut in
    bool PersonaSpoke, // the reply had audio
    bool Interrupted)
{
    public static DrillTurn Of(TurnRecord record)
    {
        var words = record.Words;
        var segments = record.AvatarSegments;
        var segmentsMs = 0L;
        for (var i = 0; i < segments.Count; i++)
        {
            segmentsMs += segments[i].DurationMs;
        }

        return new DrillTurn(
            record.Turn,
            record.UserText,
            record.AiText,
            record.StartedAt,
            record.QueueMs,
            record.FirstAudioMs,
            SpeakingMs: words.Count == 0 ? null : Math.Max(0, words[^1].EndMs - words[0].StartMs),
            PersonaMs: record.Interrupted ? record.PlayedMs ?? 0 : segmentsMs,
            PersonaSpoke: segments.Count > 0,
            record.Interrupted);
    }

    /// <summary>When the trainee stopped speaking: the turn started after the utterance waited in its queue.</summary>
    public DateTimeOffset UtteranceEnd => StartedAt.AddMilliseconds(-(QueueMs ?? 0));
}
