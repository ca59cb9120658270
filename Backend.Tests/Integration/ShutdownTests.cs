using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

public sealed class ShutdownTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ShutdownFinishesTheUtteranceInProgressAndEndsSessionsWithShutdown()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price")); // not committed yet

        _factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var ended = await client.WaitForEventAsync("session-ended");
        var final = client.EventsNamed("transcription").Single(e => e.Bool("isFinal"));
        Assert.Equal("shutdown", ended.Str("reason"));
        Assert.Equal("what is the price", final.Str("text"));
        Assert.Equal(1, ended.Int("totalTurns"));
    }
}
