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

    // A lease lapses LeaseTtl after its last renewal, which came up to one renewal interval (1 s here) before the kill,
    // later still when the node's timer ran late on a loaded machine: allow the interval and one more second.
    private static readonly TimeSpan EarliestLapse = TimeSpan.FromSeconds(2);

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
    public async Task AKickSentThroughNodeAClosesTheUsersSessionAndConnectionOnNodeBAndBothNodesRefuseThem()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var bob = await b.ConnectAsync("bob");
        await using var carol = await b.ConnectAsync("carol");
        var sessionId = await bob.StartAsync();
        var carols = await carol.StartAsync();
        using var admin = a.CreateClient("root", "admin");

        using var kick = await admin.PostAsync("/api/admin/users/bob/kick", null);
        var ended = await bob.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        await bob.WaitForEventAsync("error", e => e.Str("code") == "kicked");
        await bob.EndedAsync();
        await using var onA = await a.ConnectAsync("bob");
        await using var onB = await b.ConnectAsync("bob");
        await onA.WaitForEventAsync("error", e => e.Str("code") == "kicked");
        await onB.WaitForEventAsync("error", e => e.Str("code") == "kicked");

        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.Equal("admin", ended.Str("reason"));
        Assert.DoesNotContain(carol.EventsNamed("session-ended"), e => e.Str("sessionId") == carols);
        Assert.Null(carol.ClosedReason);
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
    /// the session's id. A start without <c>lastSeq</c> is a new session under that id (a resume is restored: below).</summary>
    [Fact]
    public async Task AfterNodeAIsKilledItsLeaseExpiresAndNodeBTakesTheSession()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId(), waitForOpening: false);
        await using var onB = await b.ConnectAsync("alice");

        var killed = Stopwatch.StartNew(); // before the kill, which waits for the process to exit
        a.Kill();
        await onB.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-on-another-node");
        var refusedAfter = killed.Elapsed;
        var started = await TakeOverAsync(onB, sessionId, LeaseTtl + TimeSpan.FromSeconds(10));
        var tookOverAfter = killed.Elapsed;

        Assert.True(refusedAfter < LeaseTtl, $"refused {refusedAfter} after the kill");
        Assert.True(tookOverAfter >= LeaseTtl - EarliestLapse, $"took over {tookOverAfter} after the kill, before the lease ({LeaseTtl}) could lapse");
        Assert.Equal(sessionId, started.Str("sessionId"));
        await onB.WaitForEventAsync("avatar-response", e => e.Str("sessionId") == sessionId && e.Int("turn") == 0 && e.Bool("isLast"));
    }

    /// <summary>Phase 2: a resume (<c>lastSeq</c>) of a killed node's session is refused while the lease lives, then
    /// restored on node B — the same history record, the conversation and turn numbering carried on — and ended there.</summary>
    [Fact]
    public async Task ASessionOfAKilledNodeIsRestoredOnNodeBAndItsHistoryIsOneRecordWithEveryTurn()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        using var admin = b.CreateClient("root", "admin");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId());
        await onA.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16());
        await onA.CommitAsync(sessionId);
        var firstReply = await onA.WaitForEventAsync("ai-response", e => e.Int("turn") == 1, TimeSpan.FromSeconds(60));
        await onA.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"), TimeSpan.FromSeconds(60));
        await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 2);
        var lastSeq = LastSeq(onA);
        await using var onB = await b.ConnectAsync("alice");

        var killed = Stopwatch.StartNew(); // before the kill, which waits for the process to exit
        a.Kill();
        await onB.RefusedAsync("start-session", new { sessionId, lastSeq }, "session-on-another-node");
        var refusedAfter = killed.Elapsed;
        var resumed = await TakeOverAsync(onB, sessionId, LeaseTtl + TimeSpan.FromSeconds(10), lastSeq);
        var resumedAfter = killed.Elapsed;
        var missed = await onB.WaitForEventAsync("error", e => e.Str("code") == "events-missed");
        await onB.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16()); // a new audio stream, from offset 0
        await onB.CommitAsync(sessionId);
        var secondReply = await onB.WaitForEventAsync("ai-response", e => e.Int("turn") == 2, TimeSpan.FromSeconds(60));
        await onB.WaitForEventAsync("avatar-response", e => e.Int("turn") == 2 && e.Bool("isLast"), TimeSpan.FromSeconds(60));
        await onB.InvokeAsync("end-session", new { sessionId });
        var ended = await onB.WaitForEventAsync("session-ended", e => e.Str("sessionId") == sessionId);
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended"); // one record: SessionAsync wants exactly one
        var detail = await admin.DetailAsync(summary.Str("id")!);
        var turns = detail.GetProperty("turns").EnumerateArray().ToList();

        Assert.True(refusedAfter < LeaseTtl, $"refused {refusedAfter} after the kill");
        Assert.True(resumedAfter >= LeaseTtl - EarliestLapse, $"restored {resumedAfter} after the kill, before the lease ({LeaseTtl}) could lapse");
        Assert.True(resumed.Bool("resumed"));
        Assert.Equal(0, resumed.Long("receivedBytes"));
        Assert.Equal(1, resumed.Int("turnCount"));
        Assert.False(missed.Bool("retryable"));
        Assert.True(secondReply.Long("seq") > lastSeq, "the restored session's events number on from the client's lastSeq");
        Assert.Equal(2, secondReply.Int("turnCount"));
        Assert.DoesNotContain(onB.EventsNamed("ai-response"), e => e.Int("turn") == 0); // the drill is not opened again
        Assert.Equal(("client", 2), (ended.Str("reason"), ended.Int("totalTurns")));
        Assert.Equal(("client", 2), (summary.Str("endReason"), summary.Int("totalTurns")));
        Assert.Equal([0, 1, 2], turns.Select(t => t.Int("turn")));
        Assert.Equal(firstReply.Str("text"), turns[1].Str("aiText"));
        Assert.Equal(secondReply.Str("text"), turns[2].Str("aiText"));
        Assert.False(string.IsNullOrWhiteSpace(turns[2].Str("userText")));
        Assert.Equal("node-b", await RecordedNodeAsync(summary.Str("id")!));
    }

    /// <summary>The same over HTTP: the event stream opened on node B is the resume — 503 with Retry-After while node
    /// A's lease lives, then the restored session's stream — and the audio starts again at offset 0.</summary>
    [Fact]
    public async Task AnHttpSessionOfAKilledNodeIsRestoredWhenItsEventStreamIsOpenedOnNodeB()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        using var admin = b.CreateClient("root", "admin");
        using var onA = a.CreateClient("alice");
        using var onB = b.CreateClient("alice");
        var sessionId = (await onA.StartLiveAsync(new { sessionId = NewSessionId(), scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        long lastSeen;
        await using (var first = await onA.EventsAsync(sessionId))
        {
            await onA.StreamLiveAsync(sessionId, TestAudio.IllDisposed.Pcm16());
            await onA.CommitLiveAsync(sessionId);
            await first.WaitForAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
            lastSeen = first.Events.Last(e => e.Id is not null).Id!.Value;
        }

        // Only what reached the shared history is restored (a killed node's write-ahead log is its own, replayed when
        // it starts again): kill node A once its turn is there, as the hub test does.
        await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 2);
        a.Kill();
        using var refused = await onB.GetAsync($"{LiveHttpTestKit.Sessions}/{sessionId}/events");
        await refused.RefusedAsync(HttpStatusCode.ServiceUnavailable, "session-on-another-node");
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        await using var second = await OpenWhenRestoredAsync(onB, sessionId, lastSeen, LeaseTtl + TimeSpan.FromSeconds(10));
        var started = await second.WaitForAsync("session-started");
        await second.WaitForAsync("error", e => e.Str("code") == "events-missed");
        await onB.StreamLiveAsync(sessionId, TestAudio.IllDisposed.Pcm16()); // a new audio stream, from offset 0
        await onB.CommitLiveAsync(sessionId);
        var reply = await second.WaitForAsync("ai-response", e => e.Int("turn") == 2);

        Assert.True(started.Bool("resumed"));
        Assert.Equal((0L, 1), (started.Long("receivedBytes"), started.Int("turnCount")));
        Assert.Equal(2, reply.Int("turnCount"));
        Assert.True(reply.Long("seq") > lastSeen, "the restored session's events number on from Last-Event-ID");
    }

    // Opens the event stream on a node until it is no longer refused with session-on-another-node.
    private static async Task<EventStreamReader> OpenWhenRestoredAsync(HttpClient http, string sessionId, long lastEventId, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await http.EventsAsync(sessionId, lastEventId);
            }
            catch (InvalidOperationException refused) when (refused.Message.StartsWith("503", StringComparison.Ordinal) && deadline.Elapsed < within)
            {
                await Task.Delay(250);
            }
        }
    }

    [Fact]
    public async Task AUserCannotRestoreAnotherUsersSessionOfAKilledNode()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        using var admin = b.CreateClient("root", "admin");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId());
        await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 1);
        var lastSeq = LastSeq(onA);
        await using var mallory = await b.ConnectAsync("mallory");
        await using var alice = await b.ConnectAsync("alice");

        a.Kill();
        await Task.Delay(LeaseTtl + TimeSpan.FromSeconds(1));
        await mallory.RefusedAsync("start-session", new { sessionId, lastSeq }, "session-not-found");
        var restored = await TakeOverAsync(alice, sessionId, TimeSpan.FromSeconds(10), lastSeq);

        Assert.Empty(mallory.EventsNamed("session-started"));
        Assert.True(restored.Bool("resumed")); // mallory's attempt neither kept the lease nor took the record
        Assert.Equal("node-b", await RecordedNodeAsync((await admin.SessionAsync(sessionId)).Str("id")!));
    }

    [Fact]
    public async Task AResumeRacingOnTwoNodesIsRestoredByOnlyTheOneHoldingTheLease()
    {
        await using var a = await StartNodeAsync("node-a");
        await using var b = await StartNodeAsync("node-b");
        await using var c = await StartNodeAsync("node-c");
        using var admin = b.CreateClient("root", "admin");
        await using var onA = await a.ConnectAsync("alice");
        var sessionId = await onA.StartAsync(sessionId: NewSessionId());
        await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 1);
        var lastSeq = LastSeq(onA);
        await using var onB = await b.ConnectAsync("alice");
        await using var onC = await c.ConnectAsync("alice");

        a.Kill();
        await Task.Delay(LeaseTtl + TimeSpan.FromSeconds(1));
        var answers = await Task.WhenAll(ResumeOnceAsync(onB, sessionId, lastSeq), ResumeOnceAsync(onC, sessionId, lastSeq));
        var restoredBy = answers[0] == "resumed" ? "node-b" : "node-c";
        var summary = await admin.SessionAsync(sessionId);

        Assert.Equal(["resumed", "session-on-another-node"], answers.Order());
        Assert.Equal("active", summary.Str("status")); // one record, running on the winner
        Assert.Equal(restoredBy, await RecordedNodeAsync(summary.Str("id")!));
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

    // Polls start-session until node B may run the session (every refusal must be session-on-another-node): a new
    // start of the id, or with lastSeq a resume.
    private static async Task<System.Text.Json.JsonElement> TakeOverAsync(RoleplayHubClient client, string sessionId, TimeSpan within, long? lastSeq = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return lastSeq is { } seq
                    ? await client.InvokeAsync("start-session", new { sessionId, lastSeq = seq })
                    : await client.InvokeAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario });
            }
            catch (HubException refused) when (refused.Message.Contains("session-on-another-node", StringComparison.Ordinal) && deadline.Elapsed < within)
            {
                await Task.Delay(250);
            }
        }
    }

    // One resume: "resumed", or the code it was refused with.
    private static async Task<string> ResumeOnceAsync(RoleplayHubClient client, string sessionId, long lastSeq)
    {
        try
        {
            var started = await client.InvokeAsync("start-session", new { sessionId, lastSeq });
            return started.Bool("resumed") ? "resumed" : "started";
        }
        catch (HubException refused)
        {
            return refused.Message[(refused.Message.IndexOf("HubException: ", StringComparison.Ordinal) + 14)..].Split(':')[0];
        }
    }

    private static long LastSeq(RoleplayHubClient client) =>
        client.Events.Where(e => e.Payload.TryGetProperty("seq", out _)).Max(e => e.Payload.Long("seq"));

    // The history row's node column (not in the API): the node whose start-up recovery would close the session.
    private async Task<string?> RecordedNodeAsync(string historyId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT node FROM sessions WHERE key = @key", connection);
        command.Parameters.AddWithValue("key", Guid.Parse(historyId));
        return (string?)await command.ExecuteScalarAsync();
    }

    private Task<BackendProcess> StartNodeAsync(string nodeId)
    {
        var data = RoleplayHubFactory.NewDataDirectory();
        _dataFolders.Add(data);
        return ScaleOutNode.StartAsync(nodeId, data, _database, redis, _prefix, LeaseTtl);
    }
}
