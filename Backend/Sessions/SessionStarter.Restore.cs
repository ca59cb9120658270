using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// Restoring a session whose node was lost (scale-out, docs/deployment.md): this node holds its lease now — the claim
/// was granted, so the lost node's lapsed — and the shared history still shows it open under that node. The session
/// starts here again as it was recorded: the same id, history record, scenario, language, engine, audio declaration and
/// turn detection, with the conversation rebuilt from the recorded turns and its numbering carried on.
/// </summary>
public sealed partial class SessionStarter
{
    // Null: nothing to restore here; the caller answers from the history as for any session no node runs.
    private async Task<StartOutcome?> TryRestoreAsync(ClientConnection connection, string id, LostSession lost, long lastSeq)
    {
        if (RestorableStart.FromJson(lost.ResumeSettings) is not { Engine: CascadedWorkerPlan.Name } start // a realtime model's own context is not ours to rebuild
            || scenarios.Find(lost.ScenarioId) is not { } scenario
            || scenario.FindVariant(lost.Language) is not { } variant)
        {
            return null;
        }

        if (await recordedSessions.TakeOverAsync(lost, CancellationToken.None) is not { } turns)
        {
            return null;
        }

        var completed = turns.Where(t => t.Turn > 0).ToList();
        var prior = completed.Where(t => t.AiText is not null)
            .Select(t => new PriorTurn(t.Turn, t.UserText, t.Interrupted ? t.AiText + "…" : t.AiText!)) // as the model saw a cut reply
            .ToList();
        var progress = new SessionProgress(lost.HistoryKey, lost.StartedAt, prior, prior.Count, completed.Count == 0 ? 1 : completed.Max(t => t.Turn) + 1, lastSeq);
        var outcome = await StartOnEngineAsync(connection, start.ToRequest(id, scenario.Id, variant.Language, lastSeq), id, scenario, variant, fellBackFrom: null, progress);
        if (outcome.Error is { } refused)
        {
            // The row is this node's now and nothing runs it: close it, as the lost node's recovery would have.
            journal.SessionEnded(new SessionEndRecord(lost.HistoryKey, id, SessionEndReason.Error.ToWire(), progress.Replies, time.GetUtcNow()));
            LogRestoreRefused(id, lost.Node, refused.Code);
            return outcome;
        }

        LogRestored(id, lost.Node, progress.Replies, progress.NextTurn);
        return outcome;
    }

    // The events the lost node raised after the client's lastSeq cannot be replayed (their numbers died with it); the
    // history has every turn it completed, and session-started's turnCount says how many replies there were.
    private Task TellEventsMissedAsync(ClientConnection connection, RoleplaySession session, SessionProgress restored) =>
        clients.SendNoticeAsync(connection.ConnectionId, session.Id, new ClientError(ErrorCodes.EventsMissed,
            $"This session moved to another node after its node was lost; events after seq {restored.LastSeq} cannot be replayed. " +
            $"The history has its {restored.Turns.Count} completed turns (the last is turn {restored.NextTurn - 1}); " +
            "any utterance not answered was lost with the node: start a new audio stream at offset 0 and say it again.", false), Now);

    [LoggerMessage(LogLevel.Warning, "Session {SessionId} restored from the history: its node {Node} was lost; {Replies} replies so far, next turn {NextTurn}")]
    private partial void LogRestored(string sessionId, string node, int replies, int nextTurn);

    [LoggerMessage(LogLevel.Warning, "Session {SessionId} of the lost node {Node} could not be restored ({Code}); its history record is ended with error")]
    private partial void LogRestoreRefused(string sessionId, string node, string code);
}
