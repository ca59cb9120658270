using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// The history API's database queries as LINQ not yet run, one method per round trip: <see cref="HistoryQueries"/>
/// runs them, and the tests translate every one for each provider (<c>ToQueryString</c>), which for SQL Server is the
/// only check possible without a server. Provider-neutral, untracked, ordered by an index.
/// </summary>
internal static class HistoryQueryables
{
    /// <summary>A page of sessions, newest first, with one row more than the limit: it tells whether another page
    /// follows.</summary>
    public static IQueryable<SessionRow> Page(HistoryDbContext db, SessionFilter filter)
    {
        var query = db.Sessions.AsNoTracking();
        query = filter.UserId is { } user ? query.Where(s => s.UserId == user) : query;
        query = filter.ScenarioId is { } scenario ? query.Where(s => s.ScenarioId == scenario) : query;
        query = filter.SessionId is { } sessionId ? query.Where(s => s.SessionId == sessionId) : query;
        query = filter.Status is { } status ? query.Where(s => s.Status == status) : query;
        query = filter.From is { } from ? query.Where(s => s.StartedAt >= from) : query;
        query = filter.To is { } to ? query.Where(s => s.StartedAt < to) : query;
        if (filter.Text is { } text)
        {
            // lower() on both sides: case-insensitive on every provider, whatever the collation (SQL Server's default
            // collations ignore case anyway, a _CS_ or binary one would not; SQLite folds ASCII only). The needle stays
            // a parameter, matched as a literal substring: SQLite by position (instr), PostgreSQL and SQL Server by a
            // LIKE pattern in which EF Core escapes the needle's wildcards (% and _, and [ on SQL Server).
            var needle = text.ToLowerInvariant();
            query = query.Where(s => s.Turns.Any(t => t.UserText.ToLower().Contains(needle) || (t.AiText != null && t.AiText.ToLower().Contains(needle))));
        }

        if (filter.Cursor is { } cursor)
        {
            query = query.Where(s => s.StartedAt < cursor.StartedAt || (s.StartedAt == cursor.StartedAt && s.Id < cursor.Id));
        }

        return query
            .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id)
            .Take(filter.Limit + 1)
            .Select(s => new SessionRow(s, s.Turns.Count, s.Turns.Count(t => t.Index > 0 && t.AiText != null)));
    }

    /// <summary>One session by its history id, and with <paramref name="ownerId"/> only if it is theirs.</summary>
    public static IQueryable<HistorySession> Session(HistoryDbContext db, Guid id, string? ownerId)
    {
        var query = db.Sessions.AsNoTracking().Where(s => s.Key == id);
        return ownerId is null ? query : query.Where(s => s.UserId == ownerId);
    }

    public static IQueryable<HistoryTurn> Turns(HistoryDbContext db, Guid sessionKey) =>
        db.Turns.AsNoTracking().Where(t => t.SessionKey == sessionKey).OrderBy(t => t.Index);

    /// <summary>The sessions the statistics count: started in [from, to), optionally of one scenario or user.</summary>
    public static IQueryable<HistorySession> StatsSessions(HistoryDbContext db, DateTime from, DateTime to, string? scenarioId, string? userId)
    {
        var sessions = db.Sessions.AsNoTracking().Where(s => s.StartedAt >= from && s.StartedAt < to);
        sessions = scenarioId is null ? sessions : sessions.Where(s => s.ScenarioId == scenarioId);
        return userId is null ? sessions : sessions.Where(s => s.UserId == userId);
    }

    public static IQueryable<SessionOutcome> Outcomes(IQueryable<HistorySession> sessions) => sessions
        .GroupBy(s => new { s.Status, s.EndReason })
        .Select(g => new SessionOutcome(g.Key.Status, g.Key.EndReason, g.Count(), g.Sum(s => s.TotalTurns)));

    /// <summary>Sessions per UTC day that has any (the date part of the stored UTC time).</summary>
    public static IQueryable<SessionsOnDay> Days(IQueryable<HistorySession> sessions) => sessions
        .GroupBy(s => s.StartedAt.Date)
        .Select(g => new SessionsOnDay(g.Key, g.Count()));

    /// <summary>The turns of <paramref name="sessions"/> in one row (none when there are no turns): how many, how
    /// many with errors, and the stages' average latency over user turns (the opening line, turn 0, excluded).</summary>
    public static IQueryable<TurnTotals> Turns(HistoryDbContext db, IQueryable<HistorySession> sessions)
    {
        var keys = sessions.Select(s => s.Key);
        return db.Turns.AsNoTracking()
            .Where(t => keys.Contains(t.SessionKey))
            .GroupBy(t => 1)
            .Select(g => new TurnTotals(
                g.Count(),
                g.Count(t => t.ErrorCount > 0),
                g.Where(t => t.Index > 0).Average(t => t.QueueMs),
                g.Where(t => t.Index > 0).Average(t => t.SttMs),
                g.Where(t => t.Index > 0).Average(t => t.AiMs),
                g.Where(t => t.Index > 0).Average(t => t.TtsMs),
                g.Where(t => t.Index > 0).Average(t => t.StoreMs),
                g.Where(t => t.Index > 0).Average(t => t.TotalMs)));
    }
}

/// <summary>A listed session with its recorded turns and the persona's recorded replies (the opening line not
/// counted): the latter is an open session's <c>totalTurns</c>, as <c>total_turns</c> is written only when it ends.</summary>
internal sealed record SessionRow(HistorySession Session, int RecordedTurns, int DeliveredReplies);

internal sealed record SessionOutcome(SessionStatus Status, string? EndReason, int Count, int Turns);

internal sealed record SessionsOnDay(DateTime Day, int Count);

internal sealed record TurnTotals(int Count, int WithErrors, double? Queue, double? Stt, double? Ai, double? Tts, double? Store, double? Total);
