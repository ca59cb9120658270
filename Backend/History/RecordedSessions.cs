using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// What the history holds of a session this process does not run, for a client resuming it: its latest record (how it
/// ended, or that it is still open under a node that is gone), and the take-over of a lost node's row. The row then
/// names this node, so this node's own start-up recovery closes it if it dies in turn, and the completed turns are read
/// only once the row is this node's.
/// </summary>
public sealed class RecordedSessions(IDbContextFactory<HistoryDbContext> contexts, IOptions<HistoryOptions> options, ILogger<RecordedSessions> logger)
{
    private readonly string _node = options.Value.Node;

    /// <summary>The user's latest session with this id (one read); null when there is none, or the history cannot be
    /// read now.</summary>
    public async Task<RecordedSession?> FindLatestAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var latest = await db.Sessions.AsNoTracking()
                .Where(s => s.SessionId == sessionId && s.UserId == userId)
                .OrderByDescending(s => s.StartedAt)
                .Select(s => new { s.Key, s.Status, s.EndReason, s.Node, s.ScenarioId, s.Language, s.StartedAt, s.ResumeSettings })
                .FirstOrDefaultAsync(cancellationToken);
            if (latest is null)
            {
                return null;
            }

            // Open under another node, with its start's settings recorded: that node is gone (this one holds the lease).
            var lost = latest is { Status: SessionStatus.Active, ResumeSettings: { } settings } && latest.Node != _node
                ? new LostSession(latest.Key, latest.Node, latest.ScenarioId, latest.Language, new DateTimeOffset(latest.StartedAt, TimeSpan.Zero), settings)
                : null;
            // A session still open in the history was left so by an unclean stop: start-up recovery ends it with error.
            return new RecordedSession(latest.Status == SessionStatus.Ended ? latest.EndReason ?? "error" : "error", lost);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "History: could not look up session {SessionId} for a resume", sessionId);
            return null;
        }
    }

    /// <summary>Moves the row to this node, only if it is still open and still the lost node's (one conditional
    /// UPDATE, so two nodes never both take it); returns its completed turns in order, or null when it was not taken.</summary>
    public async Task<IReadOnlyList<RecordedTurn>?> TakeOverAsync(LostSession lost, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var taken = await db.Sessions
                .Where(s => s.Key == lost.HistoryKey && s.Status == SessionStatus.Active && s.Node == lost.Node)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.Node, _node), cancellationToken);
            if (taken == 0)
            {
                return null;
            }

            return await db.Turns.AsNoTracking()
                .Where(t => t.SessionKey == lost.HistoryKey)
                .OrderBy(t => t.Index)
                .Select(t => new RecordedTurn(t.Index, t.UserText, t.AiText, t.Interrupted))
                .ToListAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "History: could not take over session {Key} from node {Node}", lost.HistoryKey, lost.Node);
            return null;
        }
    }
}

/// <summary>A session as the history last recorded it: the reason it ended (<c>error</c> for one an unclean stop left
/// open), and, when another node that is gone left it open and restorable, what restoring it needs.</summary>
public sealed record RecordedSession(string EndReason, LostSession? Lost);

/// <summary>An open session of a node that is gone: its history key, that node, what it was, and the start's
/// settings as the session layer wrote them.</summary>
public sealed record LostSession(Guid HistoryKey, string Node, string ScenarioId, string Language, DateTimeOffset StartedAt, string ResumeSettings);

/// <summary>A completed turn as the history has it: turn 0 is the opening line; <paramref name="AiText"/> is null when
/// the reply failed, and only what the trainee heard when <paramref name="Interrupted"/>.</summary>
public sealed record RecordedTurn(int Turn, string UserText, string? AiText, bool Interrupted);
