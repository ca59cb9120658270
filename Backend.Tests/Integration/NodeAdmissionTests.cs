using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>A node over its CPU takes no new sessions, on either transport, and still resumes the ones it runs. The
/// samples are the test's (the clock is the test's, so the node's own sampling never fires).</summary>
public sealed class NodeAdmissionTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1); // two samples after the first

    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech()
        .Setting("Sessions:AdmissionCpu", "0.8")
        .Setting("Sessions:AdmissionWindow", Window.ToString());

    private readonly NodeLoad _load;

    public NodeAdmissionTests()
    {
        _factory.UseManualTime();
        _load = new NodeLoad(_factory);
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ANodeOverItsCpuRefusesNewSessionsAsServerBusyResumesItsOwnAndTakesNewOnesOnceItsLoadFalls()
    {
        await using var alice = await _factory.ConnectAsync("alice");
        var sessionId = await alice.StartAsync();
        var lastSeq = alice.Events.Where(e => e.Payload.TryGetProperty("seq", out _)).Max(e => e.Payload.Long("seq"));
        alice.Abort();

        _load.Window(Window, 0.95);
        await using var bob = await _factory.ConnectAsync("bob");
        var refusal = await bob.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "server-busy");
        var error = bob.EventsNamed("error").Single(e => e.Str("code") == "server-busy");
        await using var aliceAgain = await _factory.ConnectAsync("alice");
        var resumed = await aliceAgain.InvokeAsync("start-session", new { sessionId, lastSeq });

        _load.Window(Window, 0.3);
        var bobsSession = await bob.StartAsync(waitForOpening: false);

        Assert.Contains("95", refusal.Message, StringComparison.Ordinal);
        Assert.True(error.Bool("retryable"));
        Assert.True(resumed.Bool("resumed"));
        Assert.False(string.IsNullOrEmpty(bobsSession));
    }

    [Fact]
    public async Task OverHttpANodeOverItsCpuAnswers503WithRetryAfterAndTheStatsSayWhy()
    {
        using var trainee = _factory.CreateClient("carol");
        using var admin = _factory.CreateClient("root", "admin");

        _load.Window(Window, 0.95);
        using var start = await trainee.PostAsJsonAsync("/api/live-sessions", new { scenarioId = HubTestKit.Scenario });
        var problem = await start.Content.ReadAsStringAsync();
        var stats = JsonDocument.Parse(await admin.GetStringAsync("/api/stats")).RootElement.GetProperty("sessions");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, start.StatusCode);
        Assert.Equal("1", start.Headers.RetryAfter?.ToString());
        Assert.Contains("server-busy", problem, StringComparison.Ordinal);
        Assert.Equal(0.95, stats.GetProperty("cpuLoad").GetDouble(), 3);
        Assert.Equal(1, stats.GetProperty("cpuAllowance").GetDouble());
        Assert.False(stats.GetProperty("admittingSessions").GetBoolean());
    }

    [Fact]
    public async Task TheStatsSayHowLongANodeWaitedForItsCoreAndItStillTakesNewSessions()
    {
        using var trainee = _factory.CreateClient("dave");
        using var admin = _factory.CreateClient("root", "admin");

        _load.Window(Window, 0.4, wait: 0.5);
        using var start = await trainee.PostAsJsonAsync("/api/live-sessions", new { scenarioId = HubTestKit.Scenario });
        var stats = JsonDocument.Parse(await admin.GetStringAsync("/api/stats")).RootElement.GetProperty("sessions");

        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.Equal(0.4, stats.GetProperty("cpuLoad").GetDouble(), 3);
        Assert.Equal(0.5, stats.GetProperty("cpuWait").GetDouble(), 3);
        Assert.True(stats.GetProperty("admittingSessions").GetBoolean());
    }
}
