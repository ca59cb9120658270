using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Scale-out on, the shared Redis away (a loopback port nothing listens on): the node starts, says it is not
/// ready, and refuses what needs the other nodes with retryable errors — never a 500 or a session run twice.</summary>
public sealed class RedisOutageTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech()
        .Setting("ScaleOut:Redis", $"127.0.0.1:{Ports.FreeLoopback()},connectTimeout=300,asyncTimeout=500,syncTimeout=500")
        .Setting("ScaleOut:NodeId", "lonely-node");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ANodeWithoutItsRedisIsNotReadyAndRefusesNewSessionsAsServerBusy()
    {
        using var http = _factory.CreateClient("alice");

        using var ready = await http.GetAsync("/readyz");
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        using var start = await http.PostAsJsonAsync("/api/live-sessions", new { scenarioId = HubTestKit.Scenario });
        var problem = await start.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotEqual("ready", checks["scaleout:redis"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, start.StatusCode); // the session was claimed nowhere, so not run
        Assert.Contains("server-busy", problem, StringComparison.Ordinal);
    }

    /// <summary>SignalR's Redis backplane subscribes every new connection; without Redis it cannot, and closes it.</summary>
    [Fact]
    public async Task AHubConnectionCannotBeUsedWithoutTheBackplane()
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var client = await _factory.ConnectAsync("alice");
            await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario });
        });

        Assert.NotNull(failure);
    }

    [Fact]
    public async Task AnAdminsEndOfASessionElsewhereIsAServiceUnavailableProblem()
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.DeleteAsync("/api/admin/sessions/somewhere-else");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
