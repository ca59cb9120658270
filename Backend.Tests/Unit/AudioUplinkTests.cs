using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// The web client's uplink (Backend/wwwroot/js/uplink.js) run by Node with WebSocket, the SignalR client's globals
/// and the clock replaced (Backend.Tests/js/uplink.mjs): when the page gives up the session's audio socket and sends
/// its audio through the hub. The browser tests cannot refuse an upgrade (a Playwright route opens the page's socket);
/// this covers sockets that never open beside those dropped once open.
/// </summary>
public sealed class AudioUplinkTests
{
    [Fact]
    public async Task ThePageInvokesAfterThreeSocketsInARowThatCarriedNothingAndKeepsSocketsThatWorked()
    {
        var (exit, stdout, stderr) = await NodeRunner.RunAsync("uplink.mjs", [], TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, $"node exited with {exit}: {stdout}{stderr}");
        Assert.Contains("\"neverOpened\":{\"tries\":3,\"mode\":\"invoke\"}", stdout, StringComparison.Ordinal);
        Assert.Contains("\"openedAndDropped\":{\"tries\":3,\"mode\":\"invoke\"}", stdout, StringComparison.Ordinal);
        Assert.Contains("\"acknowledgedThenLost\":{\"sockets\":6,\"mode\":\"socket\"}", stdout, StringComparison.Ordinal);
    }
}
