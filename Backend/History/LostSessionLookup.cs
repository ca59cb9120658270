using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// Sessions another node left open (it died), read from the shared history so this node can restore them, and the
/// take-over of their row: the row then names this node, so this node's own start-up recovery closes it if it dies in
/// turn, and the last completed turns are read only once the row is this node's.
/// </summary>
public sealed class LostSessionLookup(IDbContextFactory<HistoryDbContext> contexts, IOptions<HistoryOptions> options, ILogger<LostSessionLookup> logger)
{
    private readonly string _node = options.Value.Node;

    /// <summary>The user's latest session with this id when it is still <c>active</c>, recorded by another node, and
    /// restorable (its start's settings are recorded); null otherwise, or when the history cannot be read now.</summary>
    public async Task<LostSession?> FindAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var latest = await db.Sessions.AsNoTracking()
                .Where(s => s.SessionId == sessionId && s.UserId == userId)
                .OrderByDescending(s => s.StartedAt)
                .Select(s => new { s.Key, s.Status, s.Node, s.ScenarioId, s.Language, s.StartedAt, s.ResumeSettings })
                .FirstOrDefaultAsync(cancellationToken);
            return latest is { Status: SessionStatus.Active, ResumeSettings: { } settings } && latest.Node != _node
                ? new LostSession(latest.Key, latest.Node, latest.ScenarioId, latest.Language, new DateTimeOffset(latest.StartedAt, TimeSpan.Zero), settings)
                : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "History: could not look up session {SessionId} for a restore", sessionId);
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

/// <summary>An open session of a node that is gone: its history key, that node, what it was, and the start's
/// settings as the session layer wrote them.</summary>
public sealed record LostSession(Guid HistoryKey, string Node, string ScenarioId, string Language, DateTimeOffset StartedAt, string ResumeSettings);

/// <summary>A completed turn as the history has it: turn 0 is the opening line; <paramref name="AiText"/> is null when
/// the reply failed, and only what the trainee heard when <paramref name="Interrupted"/>.</summary>
public sealed record RecordedTurn(int Turn, string UserText, string? AiText, bool Interrupted);
