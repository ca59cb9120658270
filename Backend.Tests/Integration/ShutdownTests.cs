using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoleplayHub.Sessions;
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

    /// <summary>The stop closes the connection itself once its session has ended: the client hears
    /// <c>session-ended</c>, then the hub's close message, not a socket cut under it. One that never answers the close
    /// frame holds the stop no longer than <c>Sessions:ShutdownLinger</c>, counted in real time (the service's clock is
    /// held by the test).</summary>
    [Fact]
    public async Task TheStopClosesTheConnectionPolitelyAndAClientThatDoesNotAnswerHoldsItOnlyForTheLinger()
    {
        var log = new ListLoggerProvider(typeof(SessionEnder).FullName!);
        var factory = new RoleplayHubFactory().WithEchoSpeech().Setting("Sessions:ShutdownLinger", "00:00:00.500")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(log));
        factory.UseManualTime();
        await using var raw = await factory.ConnectRawAsync("alice");
        await raw.SendAsync($$"""{"type":1,"invocationId":"1","target":"start-session","arguments":[{"scenarioId":"{{HubTestKit.Scenario}}"}]}""");
        await raw.WaitForEventAsync("session-started");

        var stopped = Task.Run(factory.Dispose);
        var finished = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(60))) == stopped;

        Assert.True(finished, "the stop did not end within a minute");
        Assert.Equal("shutdown", (await raw.WaitForEventAsync("session-ended")).Str("reason"));
        Assert.Equal("closed by the server", await raw.EndedAsync());
        Assert.Contains(log.Messages, m => m.Contains("1 of their 1 connections had not closed", StringComparison.Ordinal));
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
