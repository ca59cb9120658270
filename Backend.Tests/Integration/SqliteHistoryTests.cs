using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The history on the embedded default, a SQLite file in the data folder; plus what does not depend on the
/// provider (parameter checks, the queue's overflow, the OpenAPI document).</summary>
public sealed class SqliteHistoryTests : HistoryTests
{
    protected override IReadOnlyDictionary<string, string> ProviderSettings { get; } = new Dictionary<string, string> { ["Database:Provider"] = "sqlite" };

    protected override string Provider => "sqlite";

    [Fact]
    public async Task TheDatabaseIsAFileInTheDataFolderInWalMode()
    {
        var factory = NewFactory();
        using var http = factory.CreateClient();
        await http.GetAsync("/healthz");

        var mode = await factory.DbAsync(db => db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync());

        Assert.True(File.Exists(Path.Combine(DataDirectory, "history.db")));
        Assert.Equal(["wal"], mode);
    }

    /// <summary>A real process, killed: SQLite in WAL mode keeps every committed turn, and the next start closes
    /// what the dead process left open. (The node-scoped recovery of PostgreSQL is tested in-process.)</summary>
    [Fact]
    public async Task AfterACrashEveryCompletedTurnIsThereAndTheNextStartEndsTheSessionWithError()
    {
        var settings = new Dictionary<string, string>(ProviderSettings) { ["DataDirectory"] = DataDirectory };
        string sessionId;
        await using (var crashing = await BackendProcess.StartAsync(settings))
        {
            await using var client = await crashing.ConnectAsync("alice");
            using var admin = crashing.CreateClient("root", "admin");
            sessionId = await client.StartAsync();
            await client.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16());
            await client.CommitAsync(sessionId);
            await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"), TimeSpan.FromSeconds(60));
            await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 2);

            crashing.Kill();
        }

        await using var restarted = await BackendProcess.StartAsync(settings);
        using var http = restarted.CreateClient("root", "admin");
        var summary = await http.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var detail = await http.DetailAsync(summary.Str("id")!);
        var turn = detail.GetProperty("turns")[1];

        Assert.Equal("error", summary.Str("endReason"));
        Assert.Equal(1, summary.Int("totalTurns"));
        Assert.Equal(2, summary.Int("recordedTurns"));
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, turn.Str("userText")!) <= 0.5, turn.Str("userText"));
        Assert.NotEmpty(turn.GetProperty("words").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(turn.Str("aiText")));
        await AssertDownloadsAsync(http, turn.Str("userAudioUrl")!);
    }

    /// <summary>Killed the moment the reply's last segment arrives, before the history writer's next batch: the
    /// write-ahead log already holds the turn, and the next start writes it.</summary>
    [Fact]
    public async Task ATurnTheClientSawCompletedSurvivesAKillTheMomentAfter()
    {
        var settings = new Dictionary<string, string>(ProviderSettings) { ["DataDirectory"] = DataDirectory, ["History:MinBatchInterval"] = "00:00:02" };
        string sessionId;
        await using (var crashing = await BackendProcess.StartAsync(settings))
        {
            await using var client = await crashing.ConnectAsync("alice");
            sessionId = await client.StartAsync();
            await client.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16());
            await client.CommitAsync(sessionId);
            await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"), TimeSpan.FromSeconds(60));

            crashing.Kill();
        }

        await using var restarted = await BackendProcess.StartAsync(settings);
        using var http = restarted.CreateClient("root", "admin");
        var summary = await http.SessionAsync(sessionId, s => s.Str("status") == "ended" && s.Int("recordedTurns") == 2);
        var turn = (await http.DetailAsync(summary.Str("id")!)).GetProperty("turns")[1];

        Assert.False(string.IsNullOrEmpty(turn.Str("aiText")));
        Assert.NotEmpty(turn.GetProperty("avatarSegments").EnumerateArray());
        Assert.Empty(Directory.GetFiles(Path.Combine(DataDirectory, "history"), "*.jsonl")); // the dead process's log was written and cleared
    }

    [Fact]
    public async Task TheSqlScriptCreatesTheSchemaOfTheMigrations()
    {
        var file = Path.Combine(DataDirectory, "from-script.db");
        Directory.CreateDirectory(DataDirectory);
        var options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite($"Data Source={file};Pooling=false").Options;
        await using (var db = new SqliteHistoryDbContext(options))
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "Database", "sql", "sqlite.sql"));
            await command.ExecuteNonQueryAsync();
        }

        await using var check = new SqliteHistoryDbContext(options);

        Assert.Equal(0, await check.PendingMigrationsAsync());
        Assert.Equal(0, await check.Turns.CountAsync(t => t.Session!.Status == Database.Entities.SessionStatus.Active));
    }

    [Fact]
    public async Task BadParametersGetProblemDetailsNamingEachOne()
    {
        var factory = NewFactory();
        using var admin = factory.CreateClient("root", "admin");

        var list = await admin.GetAsync($"{HistoryTestKit.AdminSessions}?limit=0&status=paused&from=yesterday&cursor=not-a-cursor&q={new string('x', 201)}");
        var range = await admin.GetAsync("/api/admin/history/stats?from=2026-02-01&to=2026-01-01");
        var tooLong = await admin.GetAsync("/api/admin/history/stats?from=2020-01-01&to=2026-01-01");
        var listBody = await list.Content.ReadFromJsonAsync<JsonElement>();
        var errors = listBody.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, listBody.Int("status"));
        Assert.Equal(["cursor", "from", "limit", "q", "status"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("active or ended", errors.GetProperty("status")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, range.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("application/problem+json", tooLong.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The interval between transactions paces the database without capping it: a full batch goes at once,
    /// so a node whose records outrun a batch per interval does not fall behind them.</summary>
    [Fact]
    public async Task AFullBatchIsWrittenWithoutWaitingOutTheIntervalBetweenTransactions()
    {
        var factory = NewFactory().Setting("History:MinBatchInterval", "00:00:10").Setting("History:BatchSize", "1");
        using var admin = factory.CreateClient("root", "admin");
        await using var client = await factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        await client.InvokeAsync("end-session", new { sessionId });
        await client.WaitForEventAsync("session-ended");

        // Each record (the start, the opening line's turn, the end) is a full batch of one: written at once, where a
        // writer waiting out the interval took 10 s for each after the first.
        var page = await admin.EventuallyAsync($"{HistoryTestKit.AdminSessions}?sessionId={sessionId}",
            p => p.Items() is [var session] && session.Str("status") == "ended", seconds: 8);
        var ended = page.Items()[0];

        Assert.Equal("client", ended.Str("endReason"));
    }

    [Fact]
    public async Task WhenTheQueueIsFullRecordsGoThroughAPendingFileAndNoneIsLost()
    {
        var factory = NewFactory().Setting("History:QueueCapacity", "1").Setting("History:BatchSize", "1");
        using var admin = factory.CreateClient("root", "admin");
        var pendingFolder = Path.Combine(DataDirectory, "history");
        var sessions = new List<string>();

        // Another process holds the write lock (an admin's sqlite3 shell, a backup): the writer waits, the queue of
        // one fills, and every further record goes to a pending file.
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "history.db")};Pooling=false"))
        {
            await blocker.OpenAsync();
            await using (var begin = new SqliteCommand("BEGIN IMMEDIATE;", blocker))
            {
                await begin.ExecuteNonQueryAsync();
            }

            for (var i = 0; i < 2; i++)
            {
                await using var client = await factory.ConnectAsync($"user{i}");
                var sessionId = await client.StartAsync();
                var offset = await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);
                await client.SayAndHearAsync(sessionId, "we can deliver next week", 2, offset);
                await client.InvokeAsync("end-session", new { sessionId });
                await client.WaitForEventAsync("session-ended");
                sessions.Add(sessionId);
            }

            Assert.NotEmpty(Directory.GetFiles(pendingFolder, "pending-*.jsonl"));
            await using var rollback = new SqliteCommand("ROLLBACK;", blocker);
            await rollback.ExecuteNonQueryAsync();
        }

        foreach (var sessionId in sessions)
        {
            var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended" && s.Int("recordedTurns") == 3);
            Assert.Equal(2, summary.Int("totalTurns"));
        }

        Assert.Empty(Directory.GetFiles(pendingFolder, "pending-*.jsonl"));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheHistoryApiInDevelopment()
    {
        var factory = NewFactory().Environment("Development");
        using var http = factory.CreateClient();

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var ui = await http.GetAsync("/swagger/index.html");
        var paths = document.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/admin/history/sessions", out var list));
        Assert.True(paths.TryGetProperty("/api/admin/history/sessions/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/admin/history/stats", out _));
        Assert.True(paths.TryGetProperty("/api/history/sessions/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/admin/history/sessions/{id}/export", out var export));
        Assert.True(paths.TryGetProperty("/api/admin/history/users/{userId}/sessions", out var erase));
        Assert.Contains(export.GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.Str("name") == "format");
        var exported = export.GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(exported.TryGetProperty("application/json", out _));
        Assert.True(exported.TryGetProperty("application/zip", out _));
        Assert.True(erase.GetProperty("delete").GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("ErasureResult", out _));
        Assert.Contains(list.GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.Str("name") == "cursor");
        Assert.True(list.GetProperty("get").GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("SessionDetail", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentIsNotServedOutsideDevelopment()
    {
        using var http = NewFactory().CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/openapi/v1.json")).StatusCode);
    }
}
