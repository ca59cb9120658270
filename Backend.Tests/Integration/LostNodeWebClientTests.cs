using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// The reference web page across a lost node, as a trainee meets it: Chromium with the fake microphone, nginx in front
/// of two nodes that share a PostgreSQL history and a Redis (backplane and leases), the real offline providers. The
/// trainee speaks one turn; the node running the session is killed (SIGKILL); the page, by itself, reconnects through
/// nginx to the other node, keeps resuming while the dead node's lease lives, and carries on once that node restores
/// the session — docs/deployment.md, "Losing a node".
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class LostNodeWebClientTests(PostgresServer postgres, RedisServer redis) : IDisposable
{
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(4);
    private static readonly TestAudio.Clip Recording = TestAudio.IllDisposed;

    // Development: the page signs in with a dev token.
    private static readonly Dictionary<string, string> SignInWithDevTokens = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Auth:DevTokens:Enabled"] = "true",
    };

    private readonly string _database = postgres.NewDatabase();
    private readonly string _prefix = "rh-web-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _data = RoleplayHubFactory.NewDataDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task WhenItsNodeIsKilledThePageFollowsTheSessionToTheOtherNodeAndTheDrillCarriesOn()
    {
        await using var a = await ScaleOutNode.StartAsync("node-a", Path.Combine(_data, "a"), _database, redis, _prefix, LeaseTtl, SignInWithDevTokens);
        await using var b = await ScaleOutNode.StartAsync("node-b", Path.Combine(_data, "b"), _database, redis, _prefix, LeaseTtl, SignInWithDevTokens);
        await using var nginx = await NginxProxy.StartAsync([a.BaseUrl, b.BaseUrl]); // node A while it lives, then B
        await using var browser = await FakeMicrophoneBrowser.LaunchAsync(FakeMicrophoneBrowser.MicrophoneFile(Recording, TimeSpan.FromSeconds(3), _data));
        var roleplay = new RoleplayPage(await browser.NewPageAsync(), browser, screenshotPrefix: "lost-node-");
        var page = roleplay.Page;
        await roleplay.StartSessionAsync(nginx.Url, "?transport=websockets&scenario=procurement-price", "web-lost-node", "push-to-talk", "pcm16");
        var sessionId = await page.EvaluateAsync<string>("roleplay.sessionId");
        await roleplay.SayOneRepetitionAsync();
        await roleplay.WaitForAsync("() => roleplay.turns[1]?.reply && roleplay.state === 'your-turn'", "the reply to turn 1 to play");

        a.Kill();
        await roleplay.WaitForAsync("() => roleplay.moves === 1", "the session to be restored on node B", TimeSpan.FromSeconds(60));
        await roleplay.SayOneRepetitionAsync();
        // Deltas fill the reply as it streams: it is whole once the persona has spoken it and the floor is back.
        await roleplay.WaitForAsync("() => roleplay.turns[2]?.reply && roleplay.state === 'your-turn'", "the reply to turn 2, from node B, to play");

        var transcript = await page.TextContentAsync("#user-2 .words") ?? "";
        var reply = await page.TextContentAsync("#persona-2 .words") ?? "";
        Assert.Equal(sessionId, await page.EvaluateAsync<string>("roleplay.sessionId"));
        Assert.Equal(1, await page.EvaluateAsync<int>("roleplay.reconnects"));
        Assert.Equal("socket", await page.EvaluateAsync<string>("roleplay.upload")); // the audio on node B's audio socket
        Assert.True(TestAudio.WordErrorRate(Recording.Reference, transcript) <= 0.5, $"turn 2 on the page: '{transcript}'");
        Assert.False(string.IsNullOrWhiteSpace(reply));
        var errors = await page.EvaluateAsync<string>("JSON.stringify(roleplay.errors.filter(e => e.code !== 'events-missed'))");
        Assert.True(errors == "[]", $"errors on the page: {errors}");

        // One history record holds the turns of both nodes.
        using var admin = b.CreateClient("root", "admin");
        var turns = await RecordedTurnsAsync(admin, sessionId, count: 3);
        Assert.Equal([0, 1, 2], turns.Select(t => t.GetProperty("turn").GetInt32()));
        Assert.Equal(reply, turns[2].GetProperty("aiText").GetString());
        await FakeMicrophoneBrowser.ScreenshotAsync(page, "roleplay-lost-node");
    }

    // The history is written in the background: read until the record has the turns, or fail saying what it had.
    private static async Task<List<JsonElement>> RecordedTurnsAsync(HttpClient admin, string sessionId, int count)
    {
        var turns = new List<JsonElement>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var found = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/history/sessions?sessionId={sessionId}");
            var items = found.GetProperty("items").EnumerateArray().ToList();
            Assert.Single(items); // restored into the same record, never a second one
            var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/history/sessions/{items[0].GetProperty("id").GetString()}");
            turns = [.. detail.GetProperty("turns").EnumerateArray()];
            if (turns.Count >= count)
            {
                return turns;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The history record of {sessionId} has {turns.Count} turns, not {count}.");
    }
}
