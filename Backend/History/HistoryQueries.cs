using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Storage;

namespace RoleplayHub.History;

/// <summary>The history API's reads. Every query is provider-neutral LINQ (SQLite and PostgreSQL run the same code),
/// untracked, and ordered by an index; media keys become fresh signed URLs on the way out.</summary>
internal sealed class HistoryQueries(HistoryDbContext db, IMediaStore media)
{
    public async Task<SessionPage> ListAsync(SessionFilter filter, CancellationToken cancellationToken)
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
            // lower() on both sides: case-insensitive on SQLite and PostgreSQL alike (SQLite folds ASCII only).
            var needle = text.ToLowerInvariant();
            query = query.Where(s => s.Turns.Any(t => t.UserText.ToLower().Contains(needle) || (t.AiText != null && t.AiText.ToLower().Contains(needle))));
        }

        if (filter.Cursor is { } cursor)
        {
            query = query.Where(s => s.StartedAt < cursor.StartedAt || (s.StartedAt == cursor.StartedAt && s.Id < cursor.Id));
        }

        var rows = await query
            .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id)
            .Take(filter.Limit + 1)
            .Select(s => new { Session = s, Recorded = s.Turns.Count })
            .ToListAsync(cancellationToken);
        var more = rows.Count > filter.Limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var next = more ? new PageCursor(rows[^1].Session.StartedAt, rows[^1].Session.Id).Encode() : null;
        return new SessionPage([.. rows.Select(r => Summary(r.Session, r.Recorded))], next);
    }

    /// <summary>The session with its turns; null when it does not exist or, with <paramref name="ownerId"/>, belongs
    /// to someone else (the caller cannot tell the two apart).</summary>
    public async Task<SessionDetail?> GetAsync(Guid id, string? ownerId, string? baseUrl, CancellationToken cancellationToken)
    {
        var query = db.Sessions.AsNoTracking().Where(s => s.Key == id);
        query = ownerId is null ? query : query.Where(s => s.UserId == ownerId);
        var session = await query.FirstOrDefaultAsync(cancellationToken);
        if (session is null)
        {
            return null;
        }

        var turns = await db.Turns.AsNoTracking().Where(t => t.SessionKey == id).OrderBy(t => t.Index).ToListAsync(cancellationToken);
        return new SessionDetail(Summary(session, turns.Count), [.. turns.Select(t => Turn(t, baseUrl))]);
    }

    public async Task<HistoryStats> StatsAsync(DateTime from, DateTime to, string? scenarioId, string? userId, CancellationToken cancellationToken)
    {
        var sessions = db.Sessions.AsNoTracking().Where(s => s.StartedAt >= from && s.StartedAt < to);
        sessions = scenarioId is null ? sessions : sessions.Where(s => s.ScenarioId == scenarioId);
        sessions = userId is null ? sessions : sessions.Where(s => s.UserId == userId);

        var outcomes = await sessions
            .GroupBy(s => new { s.Status, s.EndReason })
            .Select(g => new { g.Key.Status, g.Key.EndReason, Count = g.Count(), Turns = g.Sum(s => s.TotalTurns) })
            .ToListAsync(cancellationToken);
        var days = await sessions
            .GroupBy(s => s.StartedAt.Date)
            .Select(g => new { Day = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var keys = sessions.Select(s => s.Key);
        var turns = db.Turns.AsNoTracking().Where(t => keys.Contains(t.SessionKey));
        var turnCount = await turns.CountAsync(cancellationToken);
        var turnsWithErrors = await turns.CountAsync(t => t.ErrorCount > 0, cancellationToken);
        var latency = (await turns
            .Where(t => t.Index > 0)
            .GroupBy(t => 1)
            .Select(g => new StageLatencies(
                g.Average(t => t.QueueMs), g.Average(t => t.SttMs), g.Average(t => t.AiMs), g.Average(t => t.TtsMs), g.Average(t => t.StoreMs), g.Average(t => t.TotalMs)))
            .ToListAsync(cancellationToken)).SingleOrDefault();

        var ended = outcomes.Where(o => o.Status == SessionStatus.Ended).ToList();
        var endedCount = ended.Sum(o => o.Count);
        var perDay = days.ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Count);
        return new HistoryStats(
            Utc(from),
            Utc(to),
            outcomes.Sum(o => o.Count),
            outcomes.Where(o => o.Status == SessionStatus.Active).Sum(o => o.Count),
            endedCount,
            ended.GroupBy(o => o.EndReason ?? "unknown").ToDictionary(g => g.Key, g => g.Sum(o => o.Count)),
            EachDay(from, to).Select(day => new DailySessions(day, perDay.GetValueOrDefault(day))).ToList(),
            endedCount == 0 ? null : Math.Round(ended.Sum(o => o.Turns) / (double)endedCount, 2),
            turnCount,
            turnsWithErrors,
            turnCount == 0 ? null : Math.Round(turnsWithErrors / (double)turnCount, 4),
            endedCount == 0 ? null : Math.Round(ended.Where(o => o.EndReason == "error").Sum(o => o.Count) / (double)endedCount, 4),
            Round(latency ?? new StageLatencies(null, null, null, null, null, null)));
    }

    private static IEnumerable<DateOnly> EachDay(DateTime from, DateTime to)
    {
        for (var day = DateOnly.FromDateTime(from); day.ToDateTime(TimeOnly.MinValue) < to; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    private static StageLatencies Round(StageLatencies l) => new(R(l.Queue), R(l.Stt), R(l.Ai), R(l.Tts), R(l.Store), R(l.Total));

    private static double? R(double? value) => value is { } v ? Math.Round(v, 1) : null;

    private static SessionSummary Summary(HistorySession s, int recordedTurns) => new(
        s.Key,
        s.SessionId,
        s.UserId,
        s.ScenarioId,
        s.PersonaName,
        s.Language,
        s.AudioFormat,
        s.SampleRate,
        s.Channels,
        s.ModelProfile,
        s.Status == SessionStatus.Active ? "active" : "ended",
        Utc(s.StartedAt),
        s.EndedAt is { } ended ? Utc(ended) : null,
        s.EndReason,
        s.EndedAt is { } end ? (long)(end - s.StartedAt).TotalMilliseconds : null,
        s.TotalTurns,
        recordedTurns);

    private TurnDetail Turn(HistoryTurn t, string? baseUrl) => new(
        t.Index,
        t.UserText,
        [.. t.Words.Select(w => new WordTiming(w.Word, w.StartMs, w.EndMs))],
        t.UserAudioKey is { } audio ? media.GetUrl(audio, baseUrl) : null,
        t.AiText,
        [.. t.AvatarSegments.OrderBy(s => s.Segment).Select(s => new AvatarSegmentDetail(s.Segment, s.Text, media.GetUrl(s.AudioKey, baseUrl), s.VideoUrl, s.DurationMs, s.MimeType))],
        new TurnTimings(t.QueueMs, t.SttMs, t.AiMs, t.TtsMs, t.StoreMs, t.TotalMs),
        t.Errors,
        Utc(t.StartedAt),
        Utc(t.CompletedAt));

    /// <summary>The history stores UTC; SQLite hands it back without a kind.</summary>
    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
