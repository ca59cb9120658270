using Microsoft.EntityFrameworkCore;
using RoleplayHub.Core;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.Storage;

namespace RoleplayHub.History;

/// <summary>The history API's reads: runs the queries of <see cref="HistoryQueryables"/> (provider-neutral LINQ, the same
/// for every provider) and shapes their rows; media keys become fresh signed URLs on the way out.</summary>
internal sealed class HistoryQueries(HistoryDbContext db, IMediaStore media)
{
    public async Task<SessionPage> ListAsync(SessionFilter filter, CancellationToken cancellationToken)
    {
        var rows = await HistoryQueryables.Page(db, filter).ToListAsync(cancellationToken);
        var more = rows.Count > filter.Limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var next = more ? new PageCursor(rows[^1].Session.StartedAt, rows[^1].Session.Id).Encode() : null;
        return new SessionPage([.. rows.Select(r => Summary(r.Session, r.RecordedTurns, r.DeliveredReplies))], next);
    }

    /// <summary>The session with its turns; null when it does not exist or, with <paramref name="ownerId"/>, belongs
    /// to someone else (the caller cannot tell the two apart).</summary>
    public Task<SessionDetail?> GetAsync(Guid id, string? ownerId, string? baseUrl, CancellationToken cancellationToken) =>
        GetAsync(id, ownerId, key => media.GetUrl(key, baseUrl), cancellationToken);

    /// <summary>The session with its turns, each media key written as <paramref name="link"/> makes it (a fresh
    /// signed URL, or a file name inside an export).</summary>
    public async Task<SessionDetail?> GetAsync(Guid id, string? ownerId, Func<string, string> link, CancellationToken cancellationToken)
    {
        var session = await HistoryQueryables.Session(db, id, ownerId).FirstOrDefaultAsync(cancellationToken);
        if (session is null)
        {
            return null;
        }

        var turns = await HistoryQueryables.Turns(db, id).ToListAsync(cancellationToken);
        return new SessionDetail(Summary(session, turns.Count, turns.Count(t => t.Index > 0 && t.AiText != null)), [.. turns.Select(t => Turn(t, link))],
            ReportJson.Deserialize(session.Report));
    }

    /// <summary>The session's coaching report: <c>Found</c> false when the session does not exist (or is someone
    /// else's), <c>Report</c> null when it has none (still open, or ended without one).</summary>
    public async Task<(bool Found, SessionSummary? Session, CoachingReport? Report)> ReportAsync(Guid id, string? ownerId, CancellationToken cancellationToken)
    {
        var session = await HistoryQueryables.Session(db, id, ownerId).FirstOrDefaultAsync(cancellationToken);
        return session is null ? (false, null, null) : (true, Summary(session, 0, 0), ReportJson.Deserialize(session.Report));
    }

    /// <summary>The most points one answer holds.</summary>
    public const int MaxScorePoints = 2_000;

    /// <summary>Scores of the sessions started in [from, to) that ended with a report, oldest first.</summary>
    public async Task<ScoreSeries> ScoresAsync(DateTime from, DateTime to, string? scenarioId, string? userId, CancellationToken cancellationToken)
    {
        var sessions = db.Sessions.AsNoTracking().Where(s => s.StartedAt >= from && s.StartedAt < to && s.Report != null);
        if (scenarioId is not null)
        {
            sessions = sessions.Where(s => s.ScenarioId == scenarioId);
        }

        if (userId is not null)
        {
            sessions = sessions.Where(s => s.UserId == userId);
        }

        var rows = await sessions.OrderBy(s => s.StartedAt).ThenBy(s => s.Id).Take(MaxScorePoints + 1)
            .Select(s => new { s.Key, s.UserId, s.ScenarioId, s.StartedAt, s.Report })
            .ToListAsync(cancellationToken);
        var points = rows.Take(MaxScorePoints)
            .Select(r => (r, report: ReportJson.Deserialize(r.Report)))
            .Where(x => x.report is not null)
            .Select(x => new ScorePoint(x.r.Key, x.r.UserId, x.r.ScenarioId, Utc(x.r.StartedAt), x.report!.Overall, x.report.Method,
                x.report.Criteria.ToDictionary(c => c.Id, c => c.Score)))
            .ToList();
        return new ScoreSeries(Utc(from), Utc(to), points, rows.Count > MaxScorePoints);
    }

    public async Task<HistoryStats> StatsAsync(DateTime from, DateTime to, string? scenarioId, string? userId, CancellationToken cancellationToken)
    {
        var sessions = HistoryQueryables.StatsSessions(db, from, to, scenarioId, userId);
        var outcomes = await HistoryQueryables.Outcomes(sessions).ToListAsync(cancellationToken);
        var days = await HistoryQueryables.Days(sessions).ToListAsync(cancellationToken);
        var turns = (await HistoryQueryables.Turns(db, sessions).ToListAsync(cancellationToken)).SingleOrDefault();

        var ended = outcomes.Where(o => o.Status == SessionStatus.Ended).ToList();
        var endedCount = ended.Sum(o => o.Count);
        var turnCount = turns?.Count ?? 0;
        var turnsWithErrors = turns?.WithErrors ?? 0;
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
            new StageLatencies(R(turns?.Queue), R(turns?.Stt), R(turns?.Ai), R(turns?.Tts), R(turns?.Store), R(turns?.Total)));
    }

    private static IEnumerable<DateOnly> EachDay(DateTime from, DateTime to)
    {
        for (var day = DateOnly.FromDateTime(from); day.ToDateTime(TimeOnly.MinValue) < to; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    private static double? R(double? value) => value is { } v ? Math.Round(v, 1) : null;

    /// <summary>An ended session's <c>totalTurns</c> is the count its end recorded (as in <c>session-ended</c>); an
    /// open one's, the replies delivered so far.</summary>
    private static SessionSummary Summary(HistorySession s, int recordedTurns, int deliveredReplies) => new(
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
        s.Status == SessionStatus.Active ? deliveredReplies : s.TotalTurns,
        recordedTurns);

    private static TurnDetail Turn(HistoryTurn t, Func<string, string> link) => new(
        t.Index,
        t.UserText,
        [.. t.Words.Select(w => new WordTiming(w.Word, w.StartMs, w.EndMs))],
        t.UserAudioKey is { } audio ? link(audio) : null,
        t.AiText,
        [.. t.AvatarSegments.OrderBy(s => s.Segment).Select(s => new AvatarSegmentDetail(s.Segment, s.Text, link(s.AudioKey), s.VideoUrl, s.DurationMs, s.MimeType))],
        new TurnTimings(t.QueueMs, t.SttMs, t.AiMs, t.TtsMs, t.StoreMs, t.TotalMs, t.TranscriptMs, t.FirstTokenMs, t.FirstAudioMs),
        t.Errors,
        Utc(t.StartedAt),
        Utc(t.CompletedAt),
        t.Interrupted,
        t.PlayedMs);

    /// <summary>The history stores UTC; SQLite hands it back without a kind.</summary>
    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
