using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The audio socket (<c>/hubs/roleplay/audio</c>): a session's audio as binary WebSocket messages beside the
/// hub's connection, which keeps carrying the session's events.</summary>
public sealed class AudioSocketTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ChunksAreAcknowledgedByTheirEndOffsetAndACommitInOrderMakesTheTurn()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync();
        await using var audio = await OpenAsync("alice", sessionId);
        var speech = EchoSpeechToText.Speak("what is the price");

        await audio.SendChunkAsync(speech.AsSpan(0, 10), 0);
        await audio.SendChunkAsync(speech.AsSpan(10), 10);
        await audio.CommitAsync();
        var final = await hub.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        await hub.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.Equal([10L, speech.Length], audio.Acks);
        Assert.Equal("what is the price", final.Str("text"));
        Assert.Empty(hub.EventsNamed("audio-received"));
        Assert.Empty(hub.EventsNamed("error"));
    }

    [Fact]
    public async Task AResentChunkIsAcknowledgedAgainAndAGapIsRefusedWithTheSocketLeftOpen()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var audio = await OpenAsync("alice", sessionId);

        await audio.SendChunkAsync(new byte[3_200], 0);
        await audio.SendChunkAsync(new byte[3_200], 0);
        await audio.SendChunkAsync(new byte[3_200], 9_600);
        var gap = await audio.WaitForEventAsync("error");
        await audio.SendChunkAsync(new byte[3_200], -1); // appends
        await audio.WaitForAckAsync(6_400);

        Assert.Equal("audio-gap", gap.Str("code"));
        Assert.Equal(sessionId, gap.Str("sessionId"));
        Assert.Equal([3_200L, 3_200L, 6_400L], audio.Acks);
        Assert.Null(audio.Closed.Status);
    }

    [Fact]
    public async Task AChunkUpToTheLimitIsTakenWholeAndOneOverItIsRefusedAsChunkTooLargeWithTheSocketStillInStep()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var audio = await OpenAsync("alice", sessionId);
        // Speech across the first 16 KB the server reads into and at the very end: both must arrive whole.
        var atTheLimit = new byte[65_536];
        EchoSpeechToText.Speak("what is").CopyTo(atTheLimit, 16_370);
        var end = EchoSpeechToText.Speak("the price");
        end.CopyTo(atTheLimit, atTheLimit.Length - end.Length);

        await audio.SendChunkAsync(atTheLimit, 0);
        await audio.WaitForAckAsync(65_536);
        await audio.SendChunkAsync(new byte[65_536 + 2], 65_536);
        var tooLarge = await audio.WaitForEventAsync("error");
        await audio.SendChunkAsync(new byte[3_200], 65_536);
        await audio.WaitForAckAsync(65_536 + 3_200);
        await audio.CommitAsync();
        var final = await hub.WaitForEventAsync("transcription", e => e.Bool("isFinal"));

        Assert.Equal("chunk-too-large", tooLarge.Str("code"));
        Assert.Equal([65_536L, 65_536L + 3_200], audio.Acks);
        Assert.Equal("what is the price", final.Str("text"));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary)]
    [InlineData(new byte[] { (byte)'h', (byte)'i' }, WebSocketMessageType.Text)]
    public async Task AMessageThatIsNeitherAChunkNorACommitIsAnInvalidRequest(byte[] message, WebSocketMessageType type)
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var audio = await OpenAsync("alice", sessionId);

        await audio.SendRawAsync(message, type);

        Assert.Equal("invalid-request", (await audio.WaitForEventAsync("error")).Str("code"));
        await audio.SendChunkAsync(new byte[320], 0);
        await audio.WaitForAckAsync(320);
    }

    [Fact]
    public async Task WithAudioAckEveryOnlyEveryNthChunkIsAcknowledged()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var started = await hub.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAck = "event", audioAckEvery = 4 });
        var sessionId = started.Str("sessionId")!;
        await using var audio = await OpenAsync("alice", sessionId);

        for (var i = 0; i < 8; i++)
        {
            await audio.SendChunkAsync(new byte[320], i * 320);
        }

        await audio.WaitForAckAsync(8 * 320);
        Assert.Equal([4 * 320L, 8 * 320L], audio.Acks);
    }

    [Fact]
    public async Task WhenTheSessionEndsItsSocketClosesSayingSo()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var audio = await OpenAsync("alice", sessionId);

        await hub.InvokeAsync("end-session", new { sessionId });

        Assert.Equal("session-ended", await audio.EndedAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, audio.Closed.Status);
        await hub.WaitForEventAsync("session-ended");
    }

    [Fact]
    public async Task AKeptSocketOutlivesItsSessionAndCarriesTheNextOnceBoundToIt()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var first = await hub.StartAsync(waitForOpening: false);
        await using var audio = await AudioSocketClient.ConnectAsync(_factory.Server, first, _factory.Token("alice"), keep: true);
        await audio.SendChunkAsync(new byte[320], 0);
        await audio.WaitForAckAsync(320);

        await hub.InvokeAsync("end-session", new { sessionId = first });
        await hub.WaitForEventAsync("session-ended");
        await audio.SendChunkAsync(new byte[320], 320);
        var refused = await audio.WaitForEventAsync("error");
        var second = await hub.StartAsync(waitForOpening: false);
        await audio.BindAsync(second);
        await audio.SendChunkAsync(new byte[640], 0);
        await audio.WaitForAckAsync(640);

        Assert.Equal("session-ended", refused.Str("code"));
        Assert.Equal([320L, 640L], audio.Acks);
        Assert.Null(audio.Closed.Status);
    }

    [Fact]
    public async Task AKeptSocketIsNotBoundToAnotherUsersSessionAndClosesWhenLeftWithoutOne()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech();
        var clock = factory.UseManualTime();
        await using var alice = await factory.ConnectAsync("alice");
        await using var bob = await factory.ConnectAsync("bob");
        var hers = await alice.StartAsync(waitForOpening: false);
        var his = await bob.StartAsync(waitForOpening: false);
        await using var audio = await AudioSocketClient.ConnectAsync(factory.Server, hers, factory.Token("alice"), keep: true);

        await audio.BindAsync(his);
        var refused = await audio.WaitForEventAsync("error");
        await audio.SendChunkAsync(new byte[320], 0); // still hers
        await audio.WaitForAckAsync(320);
        await alice.InvokeAsync("end-session", new { sessionId = hers });
        await alice.WaitForEventAsync("session-ended");
        clock.Advance(TimeSpan.FromSeconds(61)); // Hub:SessionStartTimeout

        Assert.Equal("session-not-found", refused.Str("code"));
        Assert.Equal("unbound", await audio.EndedAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, audio.Closed.Status);
    }

    [Fact]
    public async Task ASecondSocketForTheSessionReplacesTheFirst()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var first = await OpenAsync("alice", sessionId);
        await first.SendChunkAsync(new byte[320], 0);
        await first.WaitForAckAsync(320);

        await using var second = await OpenAsync("alice", sessionId);
        await second.SendChunkAsync(new byte[320], 320);
        await second.WaitForAckAsync(640);

        Assert.Equal("replaced", await first.EndedAsync());
    }

    [Fact]
    public async Task AnotherUsersSessionIsNotFoundAndAPlainRequestIsNotAWebSocket()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        var path = $"{AudioSocketExtensions.AudioSocketPath}?sessionId={sessionId}";

        using var bob = await _factory.CreateClient("bob").GetAsync(path);
        using var alice = await _factory.CreateClient("alice").GetAsync(path);
        using var nobody = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, bob.StatusCode);
        Assert.Equal("application/problem+json", bob.Content.Headers.ContentType?.MediaType);
        Assert.Contains("session-not-found", await bob.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, alice.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => OpenAsync("bob", sessionId));
    }

    [Fact]
    public async Task ABrowserPassesTheTokenInTheQueryString()
    {
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);

        await using var audio = await AudioSocketClient.ConnectAsync(_factory.Server, sessionId, _factory.Token("alice"), inQuery: true);
        await audio.SendChunkAsync(new byte[320], 0);

        await audio.WaitForAckAsync(320);
    }

    [Fact]
    public async Task WhenTheHubConnectionGoesTheSocketIsToldItsSessionIsNotAttachedAndCloses()
    {
        var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync(waitForOpening: false);
        await using var audio = await OpenAsync("alice", sessionId);
        await hub.DisposeAsync(); // the session waits for its client to come back

        // The server hears of the close a moment later: until then the chunk (a duplicate after the first) is taken.
        for (var i = 0; i < 400 && audio.EventsNamed("error").Count == 0 && audio.Closed.Status is null; i++)
        {
            try
            {
                await audio.SendChunkAsync(new byte[320], 0);
            }
            catch (WebSocketException)
            {
                break; // closed between the look and the send
            }

            await Task.Delay(50);
        }

        Assert.Equal("session-not-attached", (await audio.WaitForEventAsync("error")).Str("code"));
        Assert.Equal("session-not-attached", await audio.EndedAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, audio.Closed.Status);
    }

    private Task<AudioSocketClient> OpenAsync(string userId, string sessionId) =>
        AudioSocketClient.ConnectAsync(_factory.Server, sessionId, _factory.Token(userId));
}
