using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The trend's read of earlier reports is one compiled query; a process can hold more than one EF Core model
/// (one per provider, or per host in a test run), and each must be able to run it.</summary>
public sealed class ReportArchiveTests
{
    [Fact]
    public async Task EarlierReportsAreReadThroughEveryModelTheProcessHolds()
    {
        await using var first = await OneReportAsync();
        await using var second = await OneReportAsync(); // its own model cache, so a second model instance

        var fromFirst = await new ReportArchive(first).PreviousAsync("alice", "procurement-price", DateTimeOffset.UtcNow, 5, CancellationToken.None);
        var fromSecond = await new ReportArchive(second).PreviousAsync("alice", "procurement-price", DateTimeOffset.UtcNow, 5, CancellationToken.None);

        Assert.NotSame(first.Model, second.Model);
        Assert.Equal(80, Assert.Single(fromFirst).Report.Overall);
        Assert.Equal(80, Assert.Single(fromSecond).Report.Overall);
    }

    [Fact]
    public async Task EarlierScoresAreReadFromTheirOwnColumnAndFromTheWholeReportWhereARowPredatesIt()
    {
        await using var history = await ReportsAsync(
            (DateTime.UtcNow.AddMinutes(-5), """{"overall":80,"summary":"…","criteria":[{"id":"questions","score":70,"evidence":["…"]}]}""",
                """{"overall":81,"criteria":[{"id":"questions","score":71}]}"""),
            (DateTime.UtcNow.AddMinutes(-50), """{"overall":60,"criteria":[{"id":"questions","score":50}]}""", null));

        var previous = await new ReportArchive(history).PreviousAsync("alice", "procurement-price", DateTimeOffset.UtcNow, 5, CancellationToken.None);

        // The newer row's scores column differs from its report on purpose: it shows which column was read.
        Assert.Equal([(81.0, 71.0), (60.0, 50.0)], previous.Select(p => (p.Report.Overall!.Value, Assert.Single(p.Report.Criteria).Score!.Value)));
    }

    /// <summary>An in-memory history with one ended session of alice's carrying a report (and no scores column, as a
    /// report stored before it existed).</summary>
    private static Task<Contexts> OneReportAsync() =>
        ReportsAsync((DateTime.UtcNow.AddMinutes(-5), """{"overall":80,"criteria":[{"id":"questions","score":70}]}""", null));

    private static async Task<Contexts> ReportsAsync(params (DateTime StartedAt, string Report, string? Scores)[] rows)
    {
        var contexts = new Contexts();
        await using var db = contexts.CreateDbContext();
        await db.Database.EnsureCreatedAsync();
        foreach (var (startedAt, report, scores) in rows)
        {
            db.Sessions.Add(new HistorySession
            {
                Key = Guid.NewGuid(), SessionId = "s1", UserId = "alice", ScenarioId = "procurement-price", PersonaName = "Linda Park",
                Language = "en-US", AudioFormat = "pcm16", Status = SessionStatus.Ended, StartedAt = startedAt, Node = "n1",
                Report = report, ReportScores = scores,
            });
        }

        await db.SaveChangesAsync();
        return contexts;
    }

    private sealed class Contexts : IDbContextFactory<HistoryDbContext>, IAsyncDisposable
    {
        private readonly SqliteConnection _connection = new("Data Source=:memory:");
        private readonly DbContextOptions<SqliteHistoryDbContext> _options;

        public Contexts()
        {
            _connection.Open();
            _options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(_connection).UseMemoryCache(new MemoryCache(new MemoryCacheOptions())).Options;
            using var db = CreateDbContext();
            Model = db.Model;
        }

        public Microsoft.EntityFrameworkCore.Metadata.IModel Model { get; }

        public HistoryDbContext CreateDbContext() => new SqliteHistoryDbContext(_options);

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
