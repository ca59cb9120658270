using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using RoleplayHub.Core;
using RoleplayHub.Database;

namespace RoleplayHub.History;

/// <summary>A trainee's earlier coaching reports of a scenario, for the trend of a new one.</summary>
public interface IReportArchive
{
    /// <summary>Up to <paramref name="limit"/> reports of <paramref name="userId"/>'s sessions of
    /// <paramref name="scenarioId"/> started before <paramref name="before"/>, newest first.</summary>
    Task<IReadOnlyList<StoredReport>> PreviousAsync(string userId, string scenarioId, DateTimeOffset before, int limit, CancellationToken cancellationToken);
}

/// <summary>A stored report's scores and the session it belongs to (its history id).</summary>
public sealed record StoredReport(Guid SessionId, DateTimeOffset StartedAt, ReportScores Report);

/// <summary>What a trend reads of an earlier report: its overall score and each criterion's. Read from the stored
/// JSON without the rest of the report (texts, analytics, evidence), which a session's end would otherwise parse for
/// each of the trainee's earlier sessions.</summary>
public sealed record ReportScores(double? Overall, IReadOnlyList<ReportScores.Criterion> Criteria)
{
    public static ReportScores Of(CoachingReport report) => new(report.Overall, [.. report.Criteria.Select(c => new Criterion(c.Id, c.Score))]);

    public sealed record Criterion(string Id, double? Score);
}

/// <summary>Without a history there is no trend.</summary>
public sealed class NoReportArchive : IReportArchive
{
    public Task<IReadOnlyList<StoredReport>> PreviousAsync(string userId, string scenarioId, DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredReport>>([]);
}

/// <summary>Reads the reports' scores from the history database (a context per call: it is used from the session layer's
/// singletons). Uses the (user_id, started_at, id) index, and reads each row's scores column, not the whole report.</summary>
internal sealed class ReportArchive(IDbContextFactory<HistoryDbContext> contexts) : IReportArchive
{
    // Compiled once per model: a session's end asks this, and translating the LINQ each time (parameter extraction,
    // the query cache's key) cost more than the query. A compiled query runs only against the model it was first run
    // with, and a process may hold several (a provider's each; a test run's hosts each), so each gets its own.
    private static readonly ConditionalWeakTable<IModel, Func<HistoryDbContext, string, string, DateTime, int, IAsyncEnumerable<ReportRow>>> Queries = [];

    public async Task<IReadOnlyList<StoredReport>> PreviousAsync(string userId, string scenarioId, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Queries.GetValue(db.Model, static _ => EF.CompileAsyncQuery((HistoryDbContext history, string userId, string scenarioId, DateTime until, int limit) =>
            history.Sessions.AsNoTracking()
                .Where(s => s.UserId == userId && s.ScenarioId == scenarioId && s.StartedAt < until && s.Report != null)
                .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.Id)
                .Take(limit)
                .Select(s => new ReportRow(s.Key, s.StartedAt, s.ReportScores ?? s.Report)))); // reports stored before the scores were kept
        var reports = new List<StoredReport>();
        await foreach (var row in query(db, userId, scenarioId, before.UtcDateTime, limit).WithCancellation(cancellationToken))
        {
            if (ReportJson.DeserializeScores(row.Report) is { } report)
            {
                reports.Add(new StoredReport(row.Key, new DateTimeOffset(DateTime.SpecifyKind(row.StartedAt, DateTimeKind.Utc)), report));
            }
        }

        return reports;
    }

    private sealed record ReportRow(Guid Key, DateTime StartedAt, string? Report);
}
