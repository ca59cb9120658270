using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Coaching;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Coaching;

/// <summary>Whole drills through the hub: <c>session-ended</c> carries the report, the history stores the same one,
/// its figures are those of the stored turns, and the next drill of the scenario has a trend.</summary>
public sealed class CoachingHubTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    private async Task<(string SessionId, JsonElement Report)> DrillAsync(RoleplayHubClient client, params string[] lines)
    {
        var sessionId = await client.StartAsync();
        long offset = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            offset = await client.SayAndHearAsync(sessionId, lines[i], i + 1, offset);
        }

        await client.InvokeAsync("end-session", new { sessionId });
        var ended = await client.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        return (sessionId, ended.GetProperty("report"));
    }

    [Fact]
    public async Task ADrillEndsWithAReportWhoseFiguresMatchTheHistory()
    {
        await using var client = await _factory.ConnectAsync("alice");
        using var admin = _factory.CreateClient("root", "admin");
        using var alice = _factory.CreateClient("alice");
        using var bob = _factory.CreateClient("bob");

        var (sessionId, report) = await DrillAsync(client, "um what is your budget this year", "we can offer a discount on a three year contract");
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var id = summary.Str("id")!;
        var stored = await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}/{id}/report");
        var own = await alice.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.MySessions}/{id}/report");
        var detail = await admin.DetailAsync(id);
        var turns = detail.GetProperty("turns").EnumerateArray().Where(t => t.Int("turn") > 0).ToList();
        var analytics = report.GetProperty("analytics");

        Assert.True(JsonElement.DeepEquals(report, stored), $"event: {report}\nhistory: {stored}");
        Assert.True(JsonElement.DeepEquals(report, own));
        Assert.True(JsonElement.DeepEquals(report, detail.GetProperty("report")));
        Assert.Equal("rules", report.Str("method"));
        Assert.Equal("en-US", report.Str("language"));
        Assert.Equal(turns.Count, analytics.Int("traineeTurns"));
        Assert.Equal(turns.Sum(t => Units.Count(t.Str("userText")!)), analytics.Int("traineeWords"));
        Assert.Equal(1, analytics.Int("fillerWords")); // "um"
        Assert.Equal(1, analytics.Int("openQuestions")); // "what is your budget this year"
        Assert.Equal(turns.Count(t => t.GetProperty("interrupted").GetBoolean()), analytics.Int("interruptions"));
        Assert.Contains(report.GetProperty("criteria").EnumerateArray(), c => c.Str("id") == "objections");
        Assert.Equal(JsonValueKind.Number, report.GetProperty("overall").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"{HistoryTestKit.MySessions}/{id}/report")).StatusCode);
    }

    [Fact]
    public async Task TheReportPrintsAsAnHtmlPageWithNoScriptAndEveryValueEncoded()
    {
        await using var client = await _factory.ConnectAsync("frank");
        using var admin = _factory.CreateClient("root", "admin");
        using var frank = _factory.CreateClient("frank");
        var (sessionId, report) = await DrillAsync(client, "what is <script>alert(1)</script> your budget this year");
        var id = (await admin.SessionAsync(sessionId, s => s.Str("status") == "ended")).Str("id");

        var page = await frank.GetAsync($"{HistoryTestKit.MySessions}/{id}/report.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'none'; style-src 'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("Coaching report", html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(report.GetProperty("criteria")[0].Str("title")!), html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{Guid.NewGuid()}/report.html")).StatusCode);
    }

    [Fact]
    public async Task TheNextDrillOfTheScenarioComparesWithTheLastOne()
    {
        await using var client = await _factory.ConnectAsync("carol");
        using var admin = _factory.CreateClient("root", "admin");

        var (first, firstReport) = await DrillAsync(client, "what is your budget this year");
        await admin.SessionAsync(first, s => s.Str("status") == "ended");
        await _factory.CreateClient("carol").EventuallyAsync($"{HistoryTestKit.MySessions}?scenarioId={HubTestKit.Scenario}",
            p => p.Items().Count == 1 && p.Items()[0].Str("status") == "ended");
        var (_, secondReport) = await DrillAsync(client, "um uh what is your budget", "we offer a discount");
        var trend = secondReport.GetProperty("trend");

        Assert.False(firstReport.TryGetProperty("trend", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Equal(1, trend.Int("previousSessions"));
        Assert.Equal(firstReport.GetProperty("overall").GetDouble(), trend.GetProperty("previousOverall").GetDouble());
        Assert.Equal(Math.Round(secondReport.GetProperty("overall").GetDouble() - firstReport.GetProperty("overall").GetDouble(), 1),
            trend.GetProperty("overallChange").GetDouble());
        var firstScores = firstReport.GetProperty("criteria").EnumerateArray()
            .Where(c => c.GetProperty("score").ValueKind == JsonValueKind.Number).ToDictionary(c => c.Str("id")!, c => c.GetProperty("score").GetDouble());
        var previous = trend.GetProperty("criteria").EnumerateArray()
            .Where(c => c.GetProperty("previous").ValueKind == JsonValueKind.Number).ToDictionary(c => c.Str("id")!, c => c.GetProperty("previous").GetDouble());
        Assert.NotEmpty(firstScores);
        Assert.Equal(firstScores, previous);
    }

    [Fact]
    public async Task ScoresOverTimeListEachReportedSessionOldestFirstAndRefuseABadRange()
    {
        await using var client = await _factory.ConnectAsync("gina");
        using var admin = _factory.CreateClient("root", "admin");
        using var gina = _factory.CreateClient("gina");
        var (first, firstReport) = await DrillAsync(client, "what is your budget this year");
        var (second, secondReport) = await DrillAsync(client, "we offer a discount");
        await admin.SessionAsync(second, s => s.Str("status") == "ended");

        var mine = await gina.EventuallyAsync($"/api/history/scores?scenarioId={HubTestKit.Scenario}", p => p.GetProperty("points").GetArrayLength() == 2);
        var all = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/history/scores?userId=gina");
        var bad = await admin.GetAsync("/api/admin/history/scores?from=yesterday");

        var points = mine.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([firstReport.GetProperty("overall").GetDouble(), secondReport.GetProperty("overall").GetDouble()],
            points.Select(p => p.GetProperty("overall").GetDouble()));
        Assert.All(points, p => Assert.Equal("gina", p.Str("userId")));
        Assert.True(points[0].GetProperty("criteria").TryGetProperty("discovery", out _));
        Assert.False(mine.GetProperty("truncated").GetBoolean());
        Assert.Equal(2, all.GetProperty("points").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("from", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _ = first;
    }

    [Fact]
    public async Task AnOpenSessionHasNoReportYetAndAMissingOneIsNotFound()
    {
        await using var client = await _factory.ConnectAsync("dave");
        using var admin = _factory.CreateClient("root", "admin");
        var sessionId = await client.StartAsync();
        var summary = await admin.SessionAsync(sessionId);

        var open = await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{summary.Str("id")}/report");
        var missing = await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{Guid.NewGuid()}/report");
        var malformed = await admin.GetAsync($"{HistoryTestKit.AdminSessions}/not-a-guid/report");

        Assert.Equal(HttpStatusCode.NotFound, open.StatusCode);
        Assert.Equal("application/problem+json", open.Content.Headers.ContentType?.MediaType);
        Assert.Contains("still open", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }
}
