using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: a trainee reaching another trainee's session through any hub method, by its id. Every method the
/// hub exposes is tried; a new method without a case here fails the test.</summary>
public sealed class CrossUserHubTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task EveryHubMethodRefusesSomeoneElsesSessionAsIfItDidNotExist()
    {
        await using var alice = await _factory.ConnectAsync("alice");
        var sessionId = await alice.StartAsync();
        await using var mallory = await _factory.ConnectAsync("mallory");
        var tried = new List<string>();

        foreach (var method in HubMethods())
        {
            switch (method)
            {
                case "start-session": // resuming it, by its id
                    await mallory.RefusedAsync(method, new { sessionId, scenarioId = HubTestKit.Scenario }, "session-exists");
                    break;
                case "audio-chunk":
                    await mallory.RefusedAsync(method, mallory.AudioChunk(sessionId, EchoSpeechToText.Speak("hello"), 0), "session-not-found");
                    break;
                case "stream-audio":
                    var stream = await mallory.StartStreamAsync(method, sessionId);
                    var refused = await mallory.WaitForEventAsync("error", e => e.Str("sessionId") == sessionId && e.Str("code") == "session-not-found");
                    stream.TryComplete();
                    Assert.NotNull(refused.Str("message"));
                    break;
                case "playback-progress":
                    await mallory.RefusedAsync(method, new { sessionId, turn = 0, segment = 0, playedMs = 0 }, "session-not-found");
                    break;
                default: // commit-audio, retry-turn, end-session: { sessionId }
                    await mallory.RefusedAsync(method, new { sessionId }, "session-not-found");
                    break;
            }

            tried.Add(method);
        }

        var (reply, _) = await alice.SayAsync(sessionId, "what is the price", turn: 1, offset: 0); // untouched
        Assert.Equal(["audio-chunk", "commit-audio", "end-session", "playback-progress", "retry-turn", "start-session", "stream-audio"], tried.Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(reply.Str("text")));
        Assert.Empty(alice.EventsNamed("error"));
        Assert.Single(alice.EventsNamed("audio-received"), e => e.Long("totalBytes") > 0);
    }

    private static IEnumerable<string> HubMethods() =>
        typeof(RoleplayHub.Hubs.RoleplayHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name)
            .OfType<string>();
}
