using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// What became of a session this process does not run, read from the history: a client resuming after the service
/// restarted is told its session ended (and why) instead of being handed a new one under the old id.
/// </summary>
public sealed class EndedSessionLookup(IDbContextFactory<HistoryDbContext> contexts, ILogger<EndedSessionLookup> logger)
{
    /// <summary>The end reason of the user's latest session with this id; <c>error</c> for one an unclean stop left
    /// open (start-up recovery ends it so); null when the history has none, or cannot be read now.</summary>
    public async Task<string?> EndReasonAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var latest = await db.Sessions.AsNoTracking()
                .Where(s => s.SessionId == sessionId && s.UserId == userId)
                .OrderByDescending(s => s.StartedAt)
                .Select(s => new { s.Status, s.EndReason })
                .FirstOrDefaultAsync(cancellationToken);
            return latest is null ? null : latest.Status == SessionStatus.Ended ? latest.EndReason ?? "error" : "error";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "History: could not look up session {SessionId} for a resume", sessionId);
            return null;
        }
    }
}
