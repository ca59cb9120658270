using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// Session history end to end, run once per provider (<see cref="SqliteHistoryTests"/>, <see cref="PostgresHistoryTests"/>):
/// sessions go through the hub, the background writer stores them, and the API reads them back.
/// </summary>
public abstract class HistoryTests : IDisposable
{
    private readonly List<RoleplayHubFactory> _factories = [];

    /// <summary>Kept across the factories of one test, so a restarted service finds the same database.</summary>
    protected string DataDirectory { get; } = RoleplayHubFactory.NewDataDirectory();

    /// <summary>The provider's settings, the same for every start within a test (same database).</summary>
    protected abstract IReadOnlyDictionary<string, string> ProviderSettings { get; }

    protected abstract string Provider { get; }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    protected RoleplayHubFactory NewFactory()
    {
        var factory = new RoleplayHubFactory(DataDirectory).WithEchoSpeech();
        foreach (var (key, value) in ProviderSettings)
        {
            factory.Setting(key, value);
        }

        _factories.Add(factory);
        return factory;
    }

    [Fact]
    public async Task MigrationsApplyFromAnEmptyDatabaseAndReadinessReportsIt()
    {
        var factory = NewFactory();
        using var http = factory.CreateClient();

        var ready = await http.GetFromJsonAsync<JsonElement>("/readyz");
        var pending = await factory.DbAsync(db => db.PendingMigrationsAsync());
        var applied = await factory.DbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());
        var all = await factory.DbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));

        Assert.Equal(0, pending);
        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        Assert.Contains(ready.GetProperty("checks").EnumerateArray(), c => c.Str("name") == "database:" + Provider && c.Str("status") == "ready");
    }

    [Fact]
    public async Task TheHubHappyPathLeavesTheSessionAndEveryTurnInTheHistory()
    {
        var factory = NewFactory();
        await using var client = await factory.ConnectAsync("alice");
        using var admin = factory.CreateClient("root", "admin");
        using var http = factory.CreateClient();

        var sessionId = await client.StartAsync();
        var offset = await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);
        await client.SayAndHearAsync(sessionId, "we can deliver next week", 2, offset);
        await client.InvokeAsync("end-session", new { sessionId });
        await client.WaitForEventAsync("session-ended");
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var detail = await admin.DetailAsync(summary.Str("id")!);
        var turns = detail.GetProperty("turns").EnumerateArray().ToList();

        Assert.Equal("alice", summary.Str("userId"));
        Assert.Equal(HubTestKit.Scenario, summary.Str("scenarioId"));
        Assert.Equal("Linda Park", summary.Str("persona"));
        Assert.Equal("en-US", summary.Str("language"));
        Assert.Equal("pcm16", summary.Str("audioFormat"));
        Assert.Equal(16_000, summary.Int("sampleRate"));
        Assert.Equal(1, summary.Int("channels"));
        Assert.Equal("client", summary.Str("endReason"));
        Assert.Equal(2, summary.Int("totalTurns"));
        Assert.Equal(3, summary.Int("recordedTurns"));
        // Wall-clock times as stored: the session ended after turn 2, which the session's worker ran only after turn 1.
        var firstAnswered = turns[1].GetProperty("completedAt").GetDateTimeOffset() - summary.GetProperty("startedAt").GetDateTimeOffset();
        Assert.True(summary.Long("durationMs") >= (long)firstAnswered.TotalMilliseconds, $"durationMs {summary.Long("durationMs")} < {firstAnswered}");
        Assert.Equal([0, 1, 2], turns.Select(t => t.Int("turn")));
        Assert.Equal(["", "what is the price", "we can deliver next week"], turns.Select(t => t.Str("userText")));
        foreach (var turn in turns)
        {
            var hubReply = client.EventsNamed("ai-response").Single(e => e.Int("turn") == turn.Int("turn"));
            var hubSegments = client.EventsNamed("avatar-response").Where(e => e.Int("turn") == turn.Int("turn")).ToList();
            var segments = turn.GetProperty("avatarSegments").EnumerateArray().ToList();
            Assert.Equal(hubReply.Str("text"), turn.Str("aiText"));
            Assert.Equal(hubSegments.Select(e => e.Str("text")), segments.Select(s => s.Str("text")));
            Assert.Equal(hubSegments.Select(e => e.Int("duration")), segments.Select(s => s.Int("duration")));
            Assert.Empty(turn.GetProperty("errors").EnumerateArray());
            AssertTimingsAsReported(turn.GetProperty("timings"), Reported(client, sessionId, turn.Int("turn")), segments.Count);
            Assert.True(turn.GetProperty("completedAt").GetDateTimeOffset() >= turn.GetProperty("startedAt").GetDateTimeOffset());
            foreach (var segment in segments)
            {
                await AssertDownloadsAsync(http, segment.Str("audioUrl")!);
            }
        }

        foreach (var turn in turns.Skip(1))
        {
            await AssertDownloadsAsync(http, turn.Str("userAudioUrl")!);
        }
    }

    [Fact]
    public async Task AnOpenSessionCountsTheRepliesDeliveredSoFar()
    {
        var factory = NewFactory();
        using var admin = factory.CreateClient("root", "admin");
        await using var alice = await factory.ConnectAsync("alice");

        var sessionId = await alice.StartAsync();
        var offset = await alice.SayAndHearAsync(sessionId, "what is the price", 1, 0);
        await alice.SayAndHearAsync(sessionId, "we can deliver next week", 2, offset);
        var row = await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 3);
        var detail = await admin.DetailAsync(row.Str("id")!);

        Assert.Equal("active", row.Str("status"));
        Assert.Equal(2, row.Int("totalTurns"));
        Assert.Equal(2, detail.GetProperty("session").Int("totalTurns"));
    }

    [Fact]
    public async Task AdminsFilterSearchPageAndAggregateEveryonesSessions()
    {
        var factory = NewFactory().WithScenario("cold-call", maxTurns: 4);
        using var admin = factory.CreateClient("root", "admin");
        await using var alice = await factory.ConnectAsync("alice");
        await using var bob = await factory.ConnectAsync("bob");

        var first = await alice.StartAsync();
        await alice.SayAndHearAsync(first, "what is the price", 1, 0);
        await alice.InvokeAsync("end-session", new { sessionId = first });
        var second = await bob.StartAsync("cold-call");
        await bob.SayAndHearAsync(second, "tell me about delivery", 1, 0);
        var third = await alice.StartAsync();
        await alice.SayAndHearAsync(third, "we offer a purple elephant discount", 1, 0);
        await alice.InvokeAsync("end-session", new { sessionId = third });
        await admin.SessionAsync(first, s => s.Str("status") == "ended");
        await admin.SessionAsync(second, s => s.Int("recordedTurns") == 2);
        var thirdRow = await admin.SessionAsync(third, s => s.Str("status") == "ended");

        var all = (await admin.GetFromJsonAsync<JsonElement>(HistoryTestKit.AdminSessions)).Items();
        var ofAlice = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?userId=alice")).Items();
        var coldCalls = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?scenarioId=cold-call")).Items();
        var active = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?status=active")).Items();
        var found = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?q=PURPLE%20Elephant")).Items();
        var since = Uri.EscapeDataString(thirdRow.GetProperty("startedAt").GetDateTimeOffset().ToString("O"));
        var fromThird = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?from={since}")).Items();
        var beforeThird = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?to={since}")).Items();
        var paged = new List<JsonElement>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?limit=1{(cursor is null ? "" : "&cursor=" + cursor)}");
            paged.AddRange(page.Items());
            cursor = page.Str("nextCursor");
            pages++;
        }
        while (cursor is not null);
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/admin/history/stats");
        var turnErrors = new List<string>();
        foreach (var session in all)
        {
            var detail = await admin.DetailAsync(session.Str("id")!);
            turnErrors.AddRange(detail.GetProperty("turns").EnumerateArray().SelectMany(t => t.GetProperty("errors").EnumerateArray().Select(e => $"turn {t.Int("turn")}: {e}")));
        }

        var coldCallStats = await admin.GetFromJsonAsync<JsonElement>("/api/admin/history/stats?scenarioId=cold-call");

        Assert.Equal([third, second, first], all.Select(s => s.Str("sessionId")));
        Assert.Equal([third, first], ofAlice.Select(s => s.Str("sessionId")));
        Assert.Equal([second], coldCalls.Select(s => s.Str("sessionId")));
        Assert.Equal([second], active.Select(s => s.Str("sessionId")));
        Assert.Equal([third], found.Select(s => s.Str("sessionId")));
        Assert.Equal([third], fromThird.Select(s => s.Str("sessionId")));
        Assert.Equal([second, first], beforeThird.Select(s => s.Str("sessionId")));
        Assert.Equal(3, pages);
        Assert.Equal(all.Select(s => s.Str("id")), paged.Select(s => s.Str("id")));
        Assert.Equal(3, stats.Int("sessions"));
        Assert.Equal(1, stats.Int("activeSessions"));
        Assert.Equal(2, stats.Int("endedSessions"));
        Assert.Equal(2, stats.GetProperty("endReasons").Int("client"));
        Assert.Equal(1.0, stats.GetProperty("averageTurns").GetDouble());
        Assert.Equal(6, stats.Int("turns")); // three openings and three user turns
        Assert.Empty(turnErrors); // names the errors a turn had, if one had any
        Assert.Equal(0, stats.Int("turnsWithErrors"));
        Assert.Equal(0.0, stats.GetProperty("turnErrorRate").GetDouble());
        Assert.Equal(0.0, stats.GetProperty("sessionErrorRate").GetDouble());
        Assert.Equal(3, stats.GetProperty("sessionsPerDay").EnumerateArray().Sum(d => d.Int("sessions")));
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"), stats.GetProperty("sessionsPerDay").EnumerateArray().Last(d => d.Int("sessions") > 0).Str("date"));
        // The averages are over the user turns (the openings have no recognition or reply): here turn 1 of each session.
        var latency = stats.GetProperty("averageLatencyMs");
        var reported = new[] { Reported(alice, first, 1), Reported(bob, second, 1), Reported(alice, third, 1) };
        Assert.Equal(Average(reported, r => r.Queue!.Value), latency.GetProperty("queue").GetDouble());
        Assert.Equal(Average(reported, r => r.Stt!.Value), latency.GetProperty("stt").GetDouble());
        Assert.Equal(Average(reported, r => r.Ai!.Value), latency.GetProperty("ai").GetDouble());
        Assert.Equal(Average(reported, r => r.Tts), latency.GetProperty("tts").GetDouble());
        Assert.Equal(Average(reported, r => r.Store), latency.GetProperty("store").GetDouble());
        Assert.True(latency.GetProperty("tts").GetDouble() > 0, "espeak-ng spoke every turn, which takes time");
        Assert.True(latency.GetProperty("total").GetDouble() >= Average(reported, r => r.LastTotal), $"total {latency.GetProperty("total")} < the last segments'");

        Assert.Equal(1, coldCallStats.Int("sessions"));
        Assert.Equal(2, coldCallStats.Int("turns"));
    }

    [Fact]
    public async Task OnlyAdminsMayUseTheAdminApi()
    {
        var factory = NewFactory();
        using var anonymous = factory.CreateClient();
        using var trainee = factory.CreateClient("alice");
        using var admin = factory.CreateClient("root", "admin");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(HistoryTestKit.AdminSessions)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(HistoryTestKit.MySessions)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainee.GetAsync(HistoryTestKit.AdminSessions)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainee.GetAsync("/api/admin/history/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainee.GetAsync($"{HistoryTestKit.AdminSessions}/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await trainee.GetAsync(HistoryTestKit.MySessions)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(HistoryTestKit.AdminSessions)).StatusCode);
    }

    [Fact]
    public async Task AUserSeesOnlyTheirOwnSessionsAndAnotherUsersIsNotFound()
    {
        var factory = NewFactory();
        using var admin = factory.CreateClient("root", "admin");
        using var aliceHttp = factory.CreateClient("alice");
        using var bobHttp = factory.CreateClient("bob");
        await using var alice = await factory.ConnectAsync("alice");
        await using var bob = await factory.ConnectAsync("bob");
        var aliceSession = await alice.StartAsync();
        await alice.SayAndHearAsync(aliceSession, "what is the price", 1, 0);
        var bobSession = await bob.StartAsync();
        var aliceId = (await admin.SessionAsync(aliceSession, s => s.Int("recordedTurns") == 2)).Str("id")!;
        await admin.SessionAsync(bobSession);

        var aliceList = (await aliceHttp.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.MySessions}?userId=bob")).Items();
        var bobList = (await bobHttp.GetFromJsonAsync<JsonElement>(HistoryTestKit.MySessions)).Items();
        var own = await aliceHttp.DetailAsync(aliceId, HistoryTestKit.MySessions);
        var someoneElses = await bobHttp.GetAsync($"{HistoryTestKit.MySessions}/{aliceId}");
        var missing = await bobHttp.GetAsync($"{HistoryTestKit.MySessions}/{Guid.NewGuid()}");
        var someoneElsesBody = await someoneElses.Content.ReadFromJsonAsync<JsonElement>();
        var missingBody = await missing.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal([aliceSession], aliceList.Select(s => s.Str("sessionId"))); // the userId parameter is not the user API's
        Assert.Equal([bobSession], bobList.Select(s => s.Str("sessionId")));
        Assert.Equal(2, own.GetProperty("turns").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, someoneElses.StatusCode);
        Assert.Equal("application/problem+json", someoneElses.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(missingBody.Str("title"), someoneElsesBody.Str("title"));
    }

    [Fact]
    public async Task StoppingTheServiceMidSessionKeepsEveryTurnAndEndsTheSessionWithShutdown()
    {
        string sessionId;
        var before = NewFactory();
        await using (var client = await before.ConnectAsync("alice"))
        {
            sessionId = await client.StartAsync();
            var offset = await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);
            await client.StreamAsync(sessionId, EchoSpeechToText.Speak("we need it by friday"), startOffset: offset); // still speaking

            await before.DisposeAsync(); // a graceful stop: the drain finishes the utterance, then the writer flushes
        }

        var after = NewFactory();
        using var admin = after.CreateClient("root", "admin");
        var summary = await admin.SessionAsync(sessionId);
        var detail = await admin.DetailAsync(summary.Str("id")!);

        Assert.Equal("ended", summary.Str("status"));
        Assert.Equal("shutdown", summary.Str("endReason"));
        Assert.Equal(2, summary.Int("totalTurns"));
        Assert.Equal(["", "what is the price", "we need it by friday"], detail.GetProperty("turns").EnumerateArray().Select(t => t.Str("userText")));
        Assert.All(detail.GetProperty("turns").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.Str("aiText"))));
    }

    [Fact]
    public async Task AClientResumingAfterARestartIsToldItsSessionEndedNotGivenANewOne()
    {
        string sessionId;
        var before = NewFactory();
        await using (var client = await before.ConnectAsync("alice"))
        {
            sessionId = await client.StartAsync();
            await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);
            await before.DisposeAsync();
        }

        var after = NewFactory();
        await using var back = await after.ConnectAsync("alice");
        await using var stranger = await after.ConnectAsync("mallory");
        using var admin = after.CreateClient("root", "admin");

        var ended = await back.RefusedAsync("start-session", new { sessionId, lastSeq = 3 }, "session-ended");
        var unknown = await back.RefusedAsync("start-session", new { sessionId = "never-started", lastSeq = 3 }, "session-not-found");
        await stranger.RefusedAsync("start-session", new { sessionId, lastSeq = 3 }, "session-not-found"); // another user's is not theirs to learn about

        Assert.Contains("(shutdown)", ended.Message, StringComparison.Ordinal);
        Assert.Contains("start a new one", unknown.Message, StringComparison.Ordinal);
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/history/sessions?sessionId={sessionId}");
        Assert.Single(page.Items()); // no second session under the id
    }

    /// <summary>
    /// A turn's stored timings against what the hub reported while it ran. The total is taken once the turn is
    /// done, so it covers every stage; each stage is rounded to whole ms on its own, so their sum may exceed it by
    /// half a millisecond per rounded term (queue, stt, ai, tts and store per segment, and the total itself).
    /// </summary>
    private static void AssertTimingsAsReported(JsonElement timings, ReportedTimings reported, int segments)
    {
        int? Ms(string name) => timings.GetProperty(name).ValueKind == JsonValueKind.Null ? null : timings.Int(name);

        Assert.Equal(reported.Queue, Ms("queueMs"));
        Assert.Equal(reported.Stt, Ms("sttMs"));
        Assert.Equal(reported.Ai, Ms("aiMs"));
        Assert.Equal(reported.Tts, Ms("ttsMs"));
        Assert.Equal(reported.Store, Ms("storeMs"));
        Assert.True(reported.Tts > 0, "espeak-ng spoke every turn, which takes time");
        var total = Ms("totalMs")!.Value;
        var stages = (reported.Queue ?? 0) + (reported.Stt ?? 0) + (reported.Ai ?? 0) + reported.Tts + reported.Store;
        Assert.True(total >= reported.LastTotal, $"totalMs {total} < the last segment's {reported.LastTotal}");
        Assert.True(total >= stages - (segments + 2), $"totalMs {total} < the stages' {stages}");
        Assert.Equal(reported.Transcript, Ms("transcriptMs"));
        Assert.Equal(reported.FirstToken, Ms("firstTokenMs"));
        Assert.Equal(reported.FirstAudio, Ms("firstAudioMs"));
    }

    /// <summary>
    /// The timings the history should hold for a turn, from the hub's events: recognition and reply as on the
    /// <c>ai-response</c> (none for the opening, turn 0), speech and storage summed over the <c>avatar-response</c>s.
    /// </summary>
    private static ReportedTimings Reported(RoleplayHubClient client, string sessionId, int turn)
    {
        var reply = client.EventsNamed("ai-response").Single(e => e.Str("sessionId") == sessionId && e.Int("turn") == turn).GetProperty("timings");
        var segments = client.EventsNamed("avatar-response").Where(e => e.Str("sessionId") == sessionId && e.Int("turn") == turn)
            .Select(e => e.GetProperty("timings")).ToList();
        Assert.NotEmpty(segments);
        return turn == 0
            ? new(null, null, null, segments.Sum(t => t.Int("ttsMs")), segments.Sum(t => t.Int("storeMs")), segments[^1].Int("totalMs"), null, null, null)
            : new(reply.Int("queueMs"), reply.Int("sttMs"), reply.Int("aiMs"), segments.Sum(t => t.Int("ttsMs")), segments.Sum(t => t.Int("storeMs")), segments[^1].Int("totalMs"),
                reply.Int("transcriptMs"), reply.Int("firstTokenMs"), segments[0].Int("firstAudioMs"));
    }

    /// <summary>As the stats API rounds its averages.</summary>
    private static double Average(IEnumerable<ReportedTimings> turns, Func<ReportedTimings, int> stage) => Math.Round(turns.Average(stage), 1);

    private sealed record ReportedTimings(int? Queue, int? Stt, int? Ai, int Tts, int Store, int LastTotal, int? Transcript, int? FirstToken, int? FirstAudio);

    /// <summary>A fresh signed URL from the history fetches the stored audio.</summary>
    protected static async Task AssertDownloadsAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString((await response.Content.ReadAsByteArrayAsync())[..4]));
    }
}
