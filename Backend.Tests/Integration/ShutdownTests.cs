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

    /// <summary>The linger after the drain waits for a quiet thread pool, up to a cap in real time: with the service's
    /// clock held by the test and a pool thread kept busy (blocked, so it takes no CPU from the tests beside it), the
    /// stop still ends (it once waited for the manual clock).</summary>
    [Fact]
    public async Task AStopOnAHeldClockWithABusyPoolEndsWithinTheLingersCap()
    {
        var factory = new RoleplayHubFactory().WithEchoSpeech().Setting("Sessions:ShutdownLinger", "00:00:00.500");
        factory.UseManualTime();
        await using (var client = await factory.ConnectAsync("alice"))
        {
            await client.StartAsync();
        }

        using var release = new ManualResetEventSlim();
        var stopped = Task.Run(factory.Dispose);
        await Task.Delay(300); // the drain has begun and counted the pool's running threads; one more is busy now
        var busy = Task.Run(release.Wait);
        var finished = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(60))) == stopped;
        release.Set();
        await busy;

        Assert.True(finished, "the stop did not end within a minute");
    }

    /// <summary>A real process and real sockets: SignalR closes its connections without flushing once the stop
    /// begins, so every client must still have heard its session end before that.</summary>
    [Fact]
    public async Task SigtermTellsEveryConnectedClientItsSessionEndedWithShutdown()
    {
        await using var service = await BackendProcess.StartAsync(new Dictionary<string, string> { ["DataDirectory"] = _factory.DataDirectory + "-process" });
        var clients = new List<RoleplayHubClient>();
        for (var i = 0; i < 8; i++)
        {
            var client = await service.ConnectAsync($"trainee{i}");
            clients.Add(client);
            var sessionId = await client.StartAsync();
            await client.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price")); // mid-utterance for some
        }

        await service.TerminateAsync(TimeSpan.FromSeconds(30));

        // The process has exited, but each client may still be reading what it sent: wait for the event (or the close).
        foreach (var client in clients)
        {
            var ended = await HeardAsync(client, service);
            Assert.Equal("shutdown", ended.Str("reason"));
            await client.EndedAsync();
            Assert.Single(client.EventsNamed("session-ended"));
            await client.DisposeAsync();
        }
    }

    private static async Task<System.Text.Json.JsonElement> HeardAsync(RoleplayHubClient client, BackendProcess service)
    {
        try
        {
            return await client.WaitForEventAsync("session-ended");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Assert.Fail($"{e.Message}\nThe service printed:\n{service.Output}");
            throw;
        }
    }
}
