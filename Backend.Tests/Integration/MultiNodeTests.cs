using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// Two nodes as separate processes (the Backend build, each on its own port and data folder) sharing one PostgreSQL
/// history and one Redis (the SignalR backplane and the session leases), reached with the .NET SignalR client — the
/// scale-out of docs/deployment.md without the load balancer. Each test has its own database and Redis prefix.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class MultiNodeTests(PostgresServer postgres, RedisServer redis) : IAsyncLifetime
{
    // Short leases, so a dead node's sessions move within the test: renewed every second, gone 4 s after the last.
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(4);

    private readonly string _database = postgres.NewDatabase();
    private readonly string _prefix = "rh-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _dataFolders = [];

    [Fact]
    public async Task ANoticeSentThroughNodeAReachesAUserConnectedToNodeB()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var bob = await b.ConnectAsync("bob");
        await using var carol = await b.ConnectAsync("carol");
        using var admin = a.CreateClient("root", "admin");

        using var toBob = await admin.PostAsJsonAsync("/api/admin/notices", new { message = "Bob, your drill is due.", userId = "bob" });
        using var toAll = await admin.PostAsJsonAsync("/api/admin/notices", new { message = "Maintenance at 18:00." });
        var bobs = await bob.WaitForEventAsync("notice", e => e.Str("message") == "Bob, your drill is due.");
        await bob.WaitForEventAsync("notice", e => e.Str("message") == "Maintenance at 18:00.");
        await carol.WaitForEventAsync("notice", e => e.Str("message") == "Maintenance at 18:00.");

        Assert.Equal(HttpStatusCode.Accepted, toBob.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, toAll.StatusCode);
        Assert.True(bobs.GetProperty("timestamp").GetInt64() > 0);
        Assert.DoesNotContain(carol.EventsNamed("notice"), e => e.Str("message") == "Bob, your drill is due.");
    }

    [Fact]
    public async Task NodeBRefusesToResumeOrStartASessionNodeAOwns()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId(), waitForOpening: false);
        await using var onB = await b.ConnectAsync("alice");

        await onB.RefusedAsync("start-session", new { sessionId, lastSeq = 0 }, "session-on-another-node");
        await onB.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-on-another-node");
        var error = onB.EventsNamed("error").First(e => e.Str("code") == "session-on-another-node");

        Assert.True(error.Bool("retryable"));
        Assert.Null(onA.ClosedReason);
        Assert.Empty(onA.EventsNamed("session-ended"));
    }

    [Fact]
    public async Task ALiveSessionKeepsItsLeasePastTheTtlAndGivesItBackWhenItEnds()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId(), waitForOpening: false);
        await using var onB = await b.ConnectAsync("alice");

        await Task.Delay(LeaseTtl * 2); // only renewals keep it
        await onB.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-on-another-node");
        await onA.InvokeAsync("end-session", new { sessionId });
        await onA.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        var released = Stopwatch.StartNew();
        var started = await TakeOverAsync(onB, sessionId, LeaseTtl);

        Assert.Equal(sessionId, started.Str("sessionId"));
        Assert.True(released.Elapsed < LeaseTtl / 2, $"node B got the session {released.Elapsed} after it ended: the lease was left to expire");
    }

    [Fact]
    public async Task AnAdminEndingASessionThroughNodeBEndsItOnNodeA()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId(), waitForOpening: false);
        using var admin = b.CreateClient("root", "admin");

        using var end = await admin.DeleteAsync($"/api/admin/sessions/{sessionId}");
        var ended = await onA.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        using var again = await admin.DeleteAsync($"/api/admin/sessions/{sessionId}");
        using var trainee = b.CreateClient("alice");
        using var forbidden = await trainee.DeleteAsync($"/api/admin/sessions/{sessionId}");

        Assert.Equal(HttpStatusCode.Accepted, end.StatusCode);
        Assert.Equal("admin", ended.Str("reason"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode); // ended: its lease was given back, no node runs it
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    /// <summary>A killed node renews nothing: its lease lapses within <c>ScaleOut:LeaseTtl</c> and another node may run
    /// the session's id. (Phase 1: node B starts it afresh — the conversation is not yet restored from the history.)</summary>
    [Fact]
    public async Task AfterNodeAIsKilledItsLeaseExpiresAndNodeBTakesTheSession()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId(), waitForOpening: false);
        await using var onB = await b.ConnectAsync("alice");

        a.Kill();
        var killed = Stopwatch.StartNew();
        await onB.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-on-another-node");
        var refusedAfter = killed.Elapsed;
        var started = await TakeOverAsync(onB, sessionId, LeaseTtl + TimeSpan.FromSeconds(10));
        var tookOverAfter = killed.Elapsed;

        Assert.True(refusedAfter < LeaseTtl, $"refused {refusedAfter} after the kill");
        Assert.True(tookOverAfter >= LeaseTtl - TimeSpan.FromSeconds(1.5), $"took over {tookOverAfter} after the kill, before the lease ({LeaseTtl}) could lapse");
        Assert.Equal(sessionId, started.Str("sessionId"));
        await onB.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == sessionId && e.Int("turn") == 0 && e.Bool("isLast"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var folder in _dataFolders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    private static string NewSessionId() => "mn-" + Guid.NewGuid().ToString("N");

    // Polls start-session until node B may run the session (every refusal must be session-on-another-node).
    private static async Task<System.Text.Json.JsonElement> TakeOverAsync(RoleplayHubClient client, string sessionId, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.InvokeAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario });
            }
            catch (HubException refused) when (refused.Message.Contains("session-on-another-node", StringComparison.Ordinal) && deadline.Elapsed < within)
            {
                await Task.Delay(250);
            }
        }
    }

    private Task<BackendProcess> StartNodeAsync(string nodeId)
    {
        var data = RoleplayHubFactory.NewDataDirectory();
        _dataFolders.Add(data);
        return BackendProcess.StartAsync(new Dictionary<string, string>
        {
            ["DataDirectory"] = data,
            ["Database:Provider"] = "postgres",
            ["Database:MigrateOnStart"] = "true",
            ["ConnectionStrings:Postgres"] = _database,
            ["History:NodeId"] = nodeId,
            ["ScaleOut:Redis"] = redis.Configuration,
            ["ScaleOut:ChannelPrefix"] = _prefix,
            ["ScaleOut:NodeId"] = nodeId,
            ["ScaleOut:LeaseTtl"] = LeaseTtl.ToString(),
            ["ScaleOut:LeaseRenewInterval"] = "00:00:01",
        });
    }
}
