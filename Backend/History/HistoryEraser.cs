using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.Storage;

namespace RoleplayHub.History;

/// <summary>
/// Removes ended sessions from the history for good: their rows (sessions and turns, in batches of
/// <see cref="BatchSize"/>, each batch one transaction) and then the media only they used. Media keys are content
/// addresses — the opening line is the same audio in every session of a scenario — so a key another remaining turn
/// still names is kept. Open sessions are never erased (the writer is still adding to them): they are counted as
/// skipped. Every erased session and every run is logged on the <see cref="HistoryAudit"/> category for audit.
/// </summary>
internal sealed class HistoryEraser(IDbContextFactory<HistoryDbContext> contexts, IMediaStore media, HistoryAudit audit)
{
    public const int BatchSize = 200;

    // SQL Server takes at most 2,100 parameters per command; lists of keys are sent in chunks below that.
    private const int KeysPerQuery = 500;

    /// <summary>Every ended session of <paramref name="userId"/>.</summary>
    public async Task<ErasureResult> EraseUserAsync(string userId, string actor, CancellationToken cancellationToken)
    {
        var result = await EraseAsync(db => db.Sessions.Where(s => s.UserId == userId && s.Status == SessionStatus.Ended), $"user {userId}", actor, "admin request", cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Sessions.CountAsync(s => s.UserId == userId && s.Status == SessionStatus.Active, cancellationToken);
        return result with { SkippedOpenSessions = open };
    }

    /// <summary>The sessions that ended before <paramref name="cutoff"/> (UTC).</summary>
    public Task<ErasureResult> EraseEndedBeforeAsync(DateTime cutoff, CancellationToken cancellationToken) =>
        EraseAsync(db => db.Sessions.Where(s => s.Status == SessionStatus.Ended && s.EndedAt < cutoff), $"sessions ended before {cutoff:O}",
            actor: "History:Retention", reason: "retention", cancellationToken);

    private async Task<ErasureResult> EraseAsync(Func<HistoryDbContext, IQueryable<HistorySession>> selection, string scope, string actor, string reason, CancellationToken cancellationToken)
    {
        var candidates = new MediaCandidates();
        int sessions = 0, turns = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var batch = await selection(db).OrderBy(s => s.Id).Take(BatchSize)
                .Select(s => new { s.Key, s.SessionId, s.UserId, Turns = s.Turns.Count }).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var keys = batch.Select(b => b.Key).ToList();
            await foreach (var turn in db.Turns.AsNoTracking().Where(t => keys.Contains(t.SessionKey)).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                candidates.Add(turn);
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                turns += await db.Turns.Where(t => keys.Contains(t.SessionKey)).ExecuteDeleteAsync(cancellationToken);
                sessions += await db.Sessions.Where(s => keys.Contains(s.Key)).ExecuteDeleteAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            foreach (var erased in batch)
            {
                audit.SessionErased(erased.Key, erased.SessionId, erased.UserId, erased.Turns, actor, reason);
            }
        }

        var (deleted, shared, failed) = await DeleteMediaAsync(candidates, cancellationToken);
        var result = new ErasureResult(sessions, turns, deleted, shared, failed, SkippedOpenSessions: 0);
        if (sessions > 0 || reason != "retention")
        {
            audit.Erased(scope, actor, reason, result);
        }

        return result;
    }

    /// <summary>Deletes each candidate no remaining turn names; a key that fails to delete is logged and left (the
    /// media sweeper or a bucket rule removes it later).</summary>
    private async Task<(int Deleted, int Shared, int Failed)> DeleteMediaAsync(MediaCandidates candidates, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return (0, 0, 0);
        }

        var used = await StillUsedAsync(candidates, cancellationToken);
        int deleted = 0, failed = 0;
        foreach (var key in candidates.All.Where(k => !used.Contains(k)))
        {
            try
            {
                await media.DeleteAsync(key, cancellationToken);
                deleted++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
            {
                audit.MediaNotDeleted(key, ex.Message);
                failed++;
            }
        }

        return (deleted, used.Count, failed);
    }

    /// <summary>The candidates some remaining turn still names. Recordings are looked up by key; avatar segments are
    /// JSON (SQLite's bundled version cannot query into it), so the remaining turns' segments are read once, streamed.</summary>
    private async Task<HashSet<string>> StillUsedAsync(MediaCandidates candidates, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in candidates.UserAudio.Chunk(KeysPerQuery))
        {
            used.UnionWith(await db.Turns.Where(t => t.UserAudioKey != null && chunk.Contains(t.UserAudioKey)).Select(t => t.UserAudioKey!).Distinct().ToListAsync(cancellationToken));
        }

        if (candidates.AvatarAudio.Count > 0)
        {
            await foreach (var segments in db.Turns.AsNoTracking().Select(t => t.AvatarSegments).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                used.UnionWith(segments.Select(s => s.AudioKey).Where(candidates.AvatarAudio.Contains));
            }
        }

        return used;
    }

    /// <summary>The media keys the erased turns named.</summary>
    private sealed class MediaCandidates
    {
        public HashSet<string> UserAudio { get; } = new(StringComparer.Ordinal);

        public HashSet<string> AvatarAudio { get; } = new(StringComparer.Ordinal);

        public int Count => UserAudio.Count + AvatarAudio.Count;

        public IEnumerable<string> All => UserAudio.Concat(AvatarAudio).Distinct(StringComparer.Ordinal);

        public void Add(HistoryTurn turn)
        {
            if (turn.UserAudioKey is { } user)
            {
                UserAudio.Add(user);
            }

            AvatarAudio.UnionWith(turn.AvatarSegments.Select(s => s.AudioKey));
        }
    }
}

/// <summary>What an erasure removed: sessions, turns and media files; media kept because other sessions use them;
/// media that could not be deleted; and (for a user) open sessions left alone.</summary>
public sealed record ErasureResult(int Sessions, int Turns, int MediaDeleted, int MediaShared, int MediaFailed, int SkippedOpenSessions);
