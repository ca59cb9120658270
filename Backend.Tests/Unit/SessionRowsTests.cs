using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The session row's hand-built insert and end must keep up with the model: a column added to
/// <c>sessions</c> and not to the insert would be silently left empty, and an end that missed the node would end a
/// session another node took over.</summary>
public sealed class SessionRowsTests : IDisposable
{
    private readonly OfflineHistoryContexts _contexts = new();

    public void Dispose() => _contexts.Dispose();

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheSessionInsertNamesEveryColumnOfTheSessionsTableButTheGeneratedId(string provider)
    {
        using var db = _contexts.Create(provider);

        var sql = SessionRows.For(db).Insert.Sql;

        ModelStatements.AssertInsertsEveryColumnButTheGeneratedId(db, "sessions", sql);
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheSessionEndSetsTheEndColumnsOfTheRowOfThatKeyAndNodeOnly(string provider)
    {
        using var db = _contexts.Create(provider);

        var sql = SessionRows.For(db).End.Sql;

        var set = sql[(sql.IndexOf(" SET ", StringComparison.Ordinal) + 5)..sql.IndexOf(" WHERE ", StringComparison.Ordinal)];
        var where = sql[(sql.IndexOf(" WHERE ", StringComparison.Ordinal) + 7)..];
        Assert.Equal(["end_reason", "ended_at", "report", "report_scores", "status", "total_turns"], ModelStatements.Names(set, ", "));
        Assert.Equal(["key", "node"], ModelStatements.Names(where, " AND "));
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void EveryPlaceholderOfTheSessionStatementsGetsAParameterOfTheProvidersDriver(string provider)
    {
        using var db = _contexts.Create(provider);
        var statements = SessionRows.For(db);
        using var insert = db.Database.GetDbConnection().CreateCommand();
        using var end = db.Database.GetDbConnection().CreateCommand();

        statements.Insert.Bind(insert, Session(Guid.NewGuid(), "n1"));
        statements.End.Bind(end, [SessionStatus.Ended, DateTime.UtcNow, "client", 3, null, null, Guid.NewGuid(), "n1"]);

        ModelStatements.AssertEveryPlaceholderHasADriverParameter(statements.Insert.Sql, insert);
        ModelStatements.AssertEveryPlaceholderHasADriverParameter(statements.End.Sql, end);
    }

    [Fact]
    public async Task EFCoreReadsBackAnInsertedSessionAndItsEndAndAnotherNodesEndChangesNothing()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(connection).Options;
        var written = Session(Guid.NewGuid(), "n1");
        var endedAt = new DateTime(2026, 11, 21, 10, 5, 0, 250, DateTimeKind.Utc);
        bool byOtherNode, byOwner;
        await using (var db = new SqliteHistoryDbContext(options))
        {
            await db.Database.EnsureCreatedAsync();
            await SessionRows.InsertAsync(db, [written], CancellationToken.None);
            var otherNodes = new SessionEnd(written.Key, "s1", "n2", endedAt, "client", 9, "{}", "{}");
            var owners = new SessionEnd(written.Key, "s1", "n1", endedAt, "max-turns", 4, """{"overall":80,"criteria":[]}""", """{"overall":80}""");
            byOtherNode = (await SessionRows.EndAsync(db, [otherNodes], CancellationToken.None)).Count == 0;
            byOwner = (await SessionRows.EndAsync(db, [owners], CancellationToken.None)).Count == 0;
        }

        await using var reader = new SqliteHistoryDbContext(options);
        var read = await reader.Sessions.AsNoTracking().SingleAsync();

        Assert.Equal((false, true), (byOtherNode, byOwner));
        Assert.Equal(
            (written.Key, written.SessionId, written.UserId, written.ScenarioId, written.PersonaName, written.Language, written.AudioFormat, written.SampleRate, written.Channels, written.ModelProfile, written.StartedAt, written.Node, written.ResumeSettings),
            (read.Key, read.SessionId, read.UserId, read.ScenarioId, read.PersonaName, read.Language, read.AudioFormat, read.SampleRate, read.Channels, read.ModelProfile, read.StartedAt, read.Node, read.ResumeSettings));
        Assert.Equal((SessionStatus.Ended, endedAt, "max-turns", 4, """{"overall":80,"criteria":[]}""", """{"overall":80}"""), (read.Status, read.EndedAt, read.EndReason, read.TotalTurns, read.Report, read.ReportScores));
    }

    /// <summary>A started session with every field set.</summary>
    private static HistorySession Session(Guid key, string node) => new()
    {
        Key = key, SessionId = "s1", UserId = "alice", ScenarioId = "procurement-price", PersonaName = "Linda Park",
        Language = "en-US", AudioFormat = "pcm16", SampleRate = 16000, Channels = 1, ModelProfile = "fast",
        Status = SessionStatus.Active, StartedAt = new DateTime(2026, 11, 21, 10, 0, 0, 123, DateTimeKind.Utc), Node = node,
        ResumeSettings = """{"engine":"cascaded"}""",
    };
}
