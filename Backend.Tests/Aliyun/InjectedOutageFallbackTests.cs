using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>Injected faults on the Aliyun voice are outages like real ones: with <c>Tts:Fallback=espeak</c> espeak-ng
/// speaks (the fallback itself is never faulted); without one the turn fails, retryable.</summary>
public sealed class InjectedOutageFallbackTests : IAsyncLifetime
{
    private static readonly (string, string?)[] EveryVoiceCallFails =
        [("Faults:Rate", "1"), ("Faults:Kinds:0", "error"), ("Faults:Stages:0", "tts")];

    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task EveryAliyunVoiceCallFailingIsSpokenByTheOfflineFallback()
    {
        using var factory = AliyunHubKit.Factory(_fake, extra: [.. EveryVoiceCallFails, ("Tts:Fallback", "espeak")]);
        await using var client = await factory.ConnectAsync("wang");

        var sessionId = await client.StartZhAsync();
        await client.SayAsync(sessionId, AliyunHubKit.Question);
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.Equal("audio/wav", avatar.Str("mimeType"));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task WithoutAFallbackTheInjectedOutageIsARetryableTtsFailure()
    {
        using var factory = AliyunHubKit.Factory(_fake, extra: EveryVoiceCallFails);
        await using var client = await factory.ConnectAsync("wang");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" });

        var failure = await client.ErrorAsync("tts-failed");

        Assert.True(failure.Bool("retryable"));
        Assert.NotNull(started.Str("sessionId"));
    }
}
