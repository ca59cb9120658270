using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Sessions;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// The reference web page on a node over its CPU, as a trainee meets it: Chromium with the fake microphone, the service
/// on a loopback socket. The start is refused as <c>server-busy</c>; the page says so, waits and tries again by itself,
/// and the session starts once the node takes new sessions again. The node's load is the test's (its clock is the
/// test's, so the node's own sampling never fires).
/// </summary>
public sealed class BusyNodeWebClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory()
        .Environment("Development")
        .Setting("Auth:DevTokens:Enabled", "true")
        .Setting("Sessions:AdmissionCpu", "0.8")
        .Setting("Sessions:AdmissionWindow", Window.ToString());

    private readonly NodeLoad _load;
    private FakeMicrophoneBrowser _browser = null!;
    private string _url = "";

    public BusyNodeWebClientTests() => _load = new NodeLoad(_factory);

    public async Task InitializeAsync()
    {
        _factory.UseManualTime();
        _url = _factory.StartOnLoopback();
        _browser = await FakeMicrophoneBrowser.LaunchAsync(FakeMicrophoneBrowser.MicrophoneFile(TestAudio.IllDisposed, TimeSpan.FromSeconds(3), _factory.DataDirectory));
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task ThePageWaitsOutAServerBusyRefusalAndStartsTheSessionOnceTheNodeTakesSessionsAgain()
    {
        _load.Window(Window, 0.95);
        var roleplay = await SignedInPageAsync("web-busy");
        var page = roleplay.Page;
        await page.ClickAsync("#start");

        await roleplay.WaitForAsync("() => roleplay.busyRetries >= 2", "the page to be refused twice and wait each time");
        var waiting = await page.TextContentAsync("#connection") ?? "";
        var state = await page.EvaluateAsync<string>("roleplay.state");
        var alert = await page.IsVisibleAsync("#setup-error");
        _load.Window(Window, 0.3);
        await roleplay.WaitForAsync("() => roleplay.sessionId !== null && roleplay.state !== 'connecting'", "the session to start");

        Assert.StartsWith("The server is busy. Trying again in ", waiting, StringComparison.Ordinal);
        Assert.Equal("connecting", state);
        Assert.False(alert, "a refusal the page waits out is not an error");
        Assert.False(await page.IsVisibleAsync("#setup-error"));
        Assert.Equal(1, _factory.Services.GetRequiredService<SessionManager>().GetStats().ActiveSessions);
        await FakeMicrophoneBrowser.ScreenshotAsync(page, "roleplay-busy-node-started");
    }

    [Fact]
    public async Task EndSessionWhileThePageWaitsStopsItTrying()
    {
        _load.Window(Window, 0.95);
        var roleplay = await SignedInPageAsync("web-busy-gives-up");
        await roleplay.Page.ClickAsync("#start");
        await roleplay.WaitForAsync("() => roleplay.busyRetries === 1", "the page to be refused and wait");

        await roleplay.Page.ClickAsync("#end");
        await roleplay.WaitForAsync("() => roleplay.state === 'idle'", "the page to stop");
        await Task.Delay(TimeSpan.FromSeconds(3)); // past the page's next two tries, had it kept trying

        Assert.Equal(1, await roleplay.Page.EvaluateAsync<int>("roleplay.busyRetries"));
        Assert.True(await roleplay.Page.IsHiddenAsync("#stage"));
        Assert.False(await roleplay.Page.IsVisibleAsync("#setup-error"));
        Assert.True(await roleplay.Page.IsEnabledAsync("#start"));
        Assert.Equal(0, _factory.Services.GetRequiredService<SessionManager>().GetStats().ActiveSessions);
    }

    private async Task<RoleplayPage> SignedInPageAsync(string userId)
    {
        var roleplay = new RoleplayPage(await _browser.NewPageAsync(), _browser, screenshotPrefix: "busy-node-");
        await roleplay.Page.GotoAsync($"{_url}/?transport=websockets&scenario=procurement-price");
        await roleplay.Page.FillAsync("#user-id", userId);
        await roleplay.Page.ClickAsync("text=Sign in (dev)");
        await roleplay.Page.WaitForSelectorAsync("#setup:not([hidden])");
        return roleplay;
    }
}
