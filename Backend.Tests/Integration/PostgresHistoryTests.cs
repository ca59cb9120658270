using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The history on a real PostgreSQL server (<see cref="PostgresServer"/>), each test on its own new database,
/// migrated at start-up from empty.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHistoryTests(PostgresServer server) : HistoryTests
{
    private readonly string _connectionString = server.NewDatabase();

    protected override IReadOnlyDictionary<string, string> ProviderSettings => new Dictionary<string, string>
    {
        ["Database:Provider"] = "postgres",
        ["Database:MigrateOnStart"] = "true",
        ["ConnectionStrings:Postgres"] = _connectionString,
    };

    protected override string Provider => "postgres";

    [Fact]
    public async Task TheIdempotentSqlScriptCreatesTheSchemaAndCanRunAgain()
    {
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;
        await using (var postgres = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await postgres.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", postgres);
            await create.ExecuteNonQueryAsync();
        }

        var script = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "Database", "sql", "postgres.sql"));
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            for (var run = 0; run < 2; run++)
            {
                await using var command = new NpgsqlCommand(script, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        await using var db = new PostgresHistoryDbContext(new DbContextOptionsBuilder<PostgresHistoryDbContext>().UseNpgsql(_connectionString).Options);

        Assert.Equal(0, await db.PendingMigrationsAsync());
        Assert.Equal(0, await db.Turns.CountAsync(t => t.Session!.Status == SessionStatus.Active));
    }

    [Fact]
    public async Task RecordsWrittenWhileTheDatabaseIsDownAreKeptAndWrittenAtTheNextStart()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_connectionString) { Port = Ports.FreeLoopback(), Timeout = 2 }.ConnectionString;
        var outage = new RoleplayHubFactory(DataDirectory).WithEchoSpeech()
            .Setting("Database:Provider", "postgres")
            .Setting("ConnectionStrings:Postgres", unreachable)
            .Setting("History:RetryDelay", "00:00:00.100")
            .Setting("History:FlushTimeout", "00:00:01");
        string sessionId;
        await using (outage)
        {
            await using var client = await outage.ConnectAsync("alice");
            using var http = outage.CreateClient();
            sessionId = await client.StartAsync();
            await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);

            var ready = await http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("database:postgres", await ready.Content.ReadAsStringAsync());
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(DataDirectory, "history"), "pending-*.jsonl"));
        var back = NewFactory();
        using var admin = back.CreateClient("root", "admin");
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var detail = await admin.DetailAsync(summary.Str("id")!);

        Assert.Equal("shutdown", summary.Str("endReason"));
        Assert.Equal(["", "what is the price"], detail.GetProperty("turns").EnumerateArray().Select(t => t.Str("userText")));
        Assert.Empty(Directory.GetFiles(Path.Combine(DataDirectory, "history"), "pending-*.jsonl"));
    }

    [Fact]
    public async Task AtStartUpANodeEndsOnlyTheSessionsItLeftOpenWithError()
    {
        var ours = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        var started = DateTime.UtcNow.AddMinutes(-5);
        var seeding = NewFactory().Setting("History:NodeId", "node-a");
        await seeding.DbAsync(async db =>
        {
            db.Sessions.Add(Session(ours, "node-a"));
            db.Sessions.Add(Session(theirs, "node-b"));
            db.Turns.Add(new HistoryTurn { SessionKey = ours, Index = 0, AiText = "Hello.", StartedAt = started, CompletedAt = started.AddSeconds(1) });
            db.Turns.Add(new HistoryTurn { SessionKey = ours, Index = 1, UserText = "the price", AiText = "Too high.", StartedAt = started.AddSeconds(5), CompletedAt = started.AddSeconds(7) });
            return await db.SaveChangesAsync();
        });
        await seeding.DisposeAsync();

        var restarted = NewFactory().Setting("History:NodeId", "node-a");
        using var admin = restarted.CreateClient("root", "admin");
        var oursAfter = await admin.EventuallyAsync($"{HistoryTestKit.AdminSessions}/{ours}", s => s.GetProperty("session").Str("status") == "ended");
        var theirsAfter = await admin.DetailAsync(theirs.ToString());

        Assert.Equal("error", oursAfter.GetProperty("session").Str("endReason"));
        Assert.Equal(1, oursAfter.GetProperty("session").Int("totalTurns"));
        Assert.Equal(started.AddSeconds(7), oursAfter.GetProperty("session").GetProperty("endedAt").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal("active", theirsAfter.GetProperty("session").Str("status")); // node-b may still be running it

        HistorySession Session(Guid key, string node) => new()
        {
            Key = key,
            SessionId = key.ToString(),
            UserId = "alice",
            ScenarioId = HubTestKit.Scenario,
            PersonaName = "Linda Park",
            Language = "en-US",
            AudioFormat = "pcm16",
            Status = SessionStatus.Active,
            StartedAt = started,
            Node = node,
        };
    }

}
