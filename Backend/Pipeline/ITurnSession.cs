using System.Threading.Channels;
using RoleplayHub.Core;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Pipeline;

/// <summary>
/// What a turn worker needs from the session it serves, and the only way it reaches it: the pipeline owns this port
/// and the session layer implements it. The worker is the only reader of <see cref="Queue"/>, and the events it
/// emits reach the client in the order it emits them.
/// </summary>
public interface ITurnSession
{
    string Id { get; }

    /// <summary>This session instance's id in the history.</summary>
    Guid HistoryKey { get; }

    string Language { get; }

    ScenarioVariant Variant { get; }

    int MaxTurns { get; }

    int TurnCount { get; }

    /// <summary>scheme://host/pathBase for absolute media URLs, when known.</summary>
    string? MediaBaseUrl { get; }

    /// <summary>The persona speaks the scenario's opening line (turn 0) when the worker starts.</summary>
    bool SpeaksOpeningLine { get; }

    /// <summary>Exchanges completed before this worker (a session restored after its node was lost); the worker gives
    /// them to the conversation before the first new turn. Empty for a new session.</summary>
    IReadOnlyList<PriorTurn> PriorTurns { get; }

    /// <summary>The number of the first utterance this worker hears: 1, or the one after the last restored turn.</summary>
    int FirstTurn { get; }

    /// <summary>How far the client has played the persona's reply (<c>playback-progress</c>).</summary>
    PlaybackReport Playback { get; }

    /// <summary>Flushed audio and retry requests, in order.</summary>
    ChannelReader<PipelineItem> Queue { get; }

    /// <summary>Cancelled when the session is told to stop, after <see cref="Queue"/> is completed (so a wait on the
    /// queue ends without this token).</summary>
    CancellationToken Stopping { get; }

    /// <summary>Why the session is ending, once it is.</summary>
    SessionEndReason? EndReason { get; }

    /// <summary>The worker has finished with <paramref name="item"/> (its audio no longer counts as queued).</summary>
    void Processed(PipelineItem item);

    void TurnStarted();

    void TurnFinished();

    /// <summary>Counts an AI reply; returns the new turn count.</summary>
    int CountReply();

    /// <summary>Asks for the session to end (the last turn was answered, or the worker failed); returns at once.</summary>
    void End(SessionEndReason reason);

    /// <summary>Numbers the event, keeps it for replay and delivers it to the client if one is attached.</summary>
    Task EmitAsync(TurnEvent evt);

    /// <summary>A transient event — a partial transcript, a reply delta — superseded by a later one, so neither
    /// numbered nor kept, and dropped while the client is away.</summary>
    Task EmitPartialAsync(TurnEvent partial);
}
