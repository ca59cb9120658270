using Microsoft.AspNetCore.Http.Connections;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: one account filling the node with connections (Hub:MaxConnections), by opening many or by
/// completing handshakes and then staying silent; and a token that goes on working after it expired.</summary>
public sealed class ConnectionFloodTests
{
    [Fact]
    public async Task AConnectionThatStartsNoSessionIsToldAndClosed()
    {
        using var factory = new RoleplayHubFactory();
        var clock = factory.UseManualTime();
        await using var silent = await factory.ConnectAsync("mallory");
        await using var working = await factory.ConnectAsync("alice");
        await working.StartAsync(waitForOpening: false);

        clock.Advance(TimeSpan.FromSeconds(61));
        var told = await silent.WaitForEventAsync("error", e => e.Str("code") == "connection-idle");
        var closed = await silent.EndedAsync();

        Assert.Contains("Hub:SessionStartTimeout", told.Str("message"), StringComparison.Ordinal);
        Assert.NotNull(closed);
        Assert.Null(working.ClosedReason);
    }

    [Fact]
    public async Task OneUserCannotOpenMoreConnectionsThanTheirCap()
    {
        using var factory = new RoleplayHubFactory().Setting("Hub:MaxConnectionsPerUser", "2");
        await using var first = await factory.ConnectAsync("mallory");
        await using var second = await factory.ConnectAsync("mallory", new HubClientOptions(HttpTransportType.LongPolling));

        var negotiated = await Record.ExceptionAsync(() => factory.ConnectAsync("mallory"));
        await using var direct = await factory.ConnectAsync("mallory", new HubClientOptions(SkipNegotiation: true));
        var refused = await direct.WaitForEventAsync("error", e => e.Str("code") == "connection-limit");
        await direct.EndedAsync();
        await using var someoneElse = await factory.ConnectAsync("alice");

        Assert.Contains("429", negotiated?.Message, StringComparison.Ordinal);
        Assert.True(refused.Bool("retryable"));
        Assert.Null(first.ClosedReason);
        Assert.Null(someoneElse.ClosedReason);
    }

    [Fact]
    public async Task AConnectionClosesWhenItsTokenExpiresAndAFreshTokenResumesTheSession()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech();
        await using var shortLived = await factory.ConnectWithTokenAsync(factory.Token("alice", TimeSpan.FromSeconds(3)));
        var sessionId = await shortLived.StartAsync();

        var closed = await shortLived.EndedAsync();
        await using var renewed = await factory.ConnectAsync("alice");
        var resumed = await renewed.InvokeAsync("start-session", new { sessionId });

        Assert.NotNull(closed);
        Assert.True(resumed.Bool("resumed"));
        Assert.Equal(sessionId, resumed.Str("sessionId"));
    }
}
