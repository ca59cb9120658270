using System.Collections.Concurrent;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// A session row's two writes in a batch, as <see cref="RowStatement"/>s: its insert when it starts and its update
/// when it ends.
/// </summary>
/// <remarks>
/// Through the change tracker, a session end cost a query to load the row and EF Core's update pipeline to write five
/// columns back, and a start the same pipeline to insert it: together an eighth of what the loaded server allocated
/// (docs/benchmarks.md). The end's update names the node that ran the session, so a row another node took over is
/// left alone and found by the update changing nothing.
/// </remarks>
internal static class SessionRows
{
    private static readonly ConcurrentDictionary<Type, Statements> ByDatabase = new();

    public static async Task InsertAsync(HistoryDbContext db, IReadOnlyList<HistorySession> sessions, CancellationToken cancellationToken)
    {
        if (sessions.Count == 0)
        {
            return;
        }

        var insert = For(db).Insert;
        await using var command = insert.Command(db);
        foreach (var session in sessions)
        {
            insert.Bind(command, session);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Ends each session's row, the one with its key and run by its node, with one command for the batch;
    /// returns the ends that found no such row (not recorded, or another node's now).</summary>
    public static async Task<List<SessionEnd>> EndAsync(HistoryDbContext db, IReadOnlyList<SessionEnd> ends, CancellationToken cancellationToken)
    {
        List<SessionEnd> unchanged = [];
        if (ends.Count == 0)
        {
            return unchanged;
        }

        var end = For(db).End;
        await using var command = end.Command(db);
        foreach (var e in ends)
        {
            end.Bind(command, [SessionStatus.Ended, e.EndedAt, e.Reason, e.TotalTurns, e.Report, e.ReportScores, e.Key, e.Node]); // Statements.Build's order
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                unchanged.Add(e);
            }
        }

        return unchanged;
    }

    internal static Statements For(HistoryDbContext db) => ByDatabase.GetOrAdd(db.GetType(), _ => Statements.Build(db));

    internal sealed record Statements(RowStatement Insert, RowStatement End)
    {
        public static Statements Build(HistoryDbContext db)
        {
            var session = db.Model.FindEntityType(typeof(HistorySession))!;
            return new Statements(
                RowStatement.Insert(db, session),
                RowStatement.Update(
                    db,
                    session,
                    set: [nameof(HistorySession.Status), nameof(HistorySession.EndedAt), nameof(HistorySession.EndReason), nameof(HistorySession.TotalTurns), nameof(HistorySession.Report), nameof(HistorySession.ReportScores)],
                    where: [nameof(HistorySession.Key), nameof(HistorySession.Node)]));
        }
    }
}

/// <summary>A session's end as its row takes it.</summary>
internal sealed record SessionEnd(Guid Key, string SessionId, string Node, DateTime EndedAt, string Reason, int TotalTurns, string? Report, string? ReportScores);
