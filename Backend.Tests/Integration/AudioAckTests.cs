using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>start-session's <c>audioAck</c>: each invoked chunk acknowledged by an <c>audio-received</c> event (the
/// default) or by the invocation's own result, one message per chunk instead of two.</summary>
public sealed class AudioAckTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task WithCompletionAcksEachChunksResultIsItsAcknowledgementAndNoAudioReceivedIsSent(WireProtocol protocol)
    {
        await using var client = await _factory.ConnectAsync("alice", new HubClientOptions(Protocol: protocol));
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAck = "completion" });
        var sessionId = started.Str("sessionId")!;
        var speech = EchoSpeechToText.Speak("what is the price");

        var first = await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, speech[..10], 0));
        var again = await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, speech[..10], 0));
        var rest = await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, speech[10..], 10));
        await client.CommitAsync(sessionId);
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.Equal((sessionId, 10, 0L, 10L), (first.Str("sessionId"), first.Int("audioSize"), first.Long("offset"), first.Long("totalBytes")));
        Assert.True(again.Bool("duplicate"));
        Assert.Equal(speech.Length, rest.Long("totalBytes"));
        Assert.Empty(client.EventsNamed("audio-received"));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task ByDefaultTheAcknowledgementIsAnEventAndTheResultIsNull()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync(waitForOpening: false);

        var result = await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, new byte[3_200], 0));

        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.ValueKind);
        Assert.Equal(3_200, (await client.WaitForEventAsync("audio-received")).Long("totalBytes"));
    }

    [Fact]
    public async Task AResumeSaysHowItWantsChunksAcknowledgedAgain()
    {
        await using var first = await _factory.ConnectAsync("alice");
        var started = await first.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAck = "completion" });
        var sessionId = started.Str("sessionId")!;
        await using var second = await _factory.ConnectAsync("alice");

        await second.InvokeAsync("start-session", new { sessionId, lastSeq = 0 }); // no audioAck: events
        var result = await second.InvokeAsync("audio-chunk", second.AudioChunk(sessionId, new byte[3_200], 0));

        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.ValueKind);
        Assert.Equal(3_200, (await second.WaitForEventAsync("audio-received")).Long("totalBytes"));
    }

    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task WithAudioAckEveryFourTwelveChunksBringThreeAudioReceivedEachCoveringTheChunksBeforeIt(WireProtocol protocol)
    {
        await using var client = await _factory.ConnectAsync("alice", new HubClientOptions(Protocol: protocol));
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAckEvery = 4 });
        var sessionId = started.Str("sessionId")!;

        for (var i = 0; i < 12; i++)
        {
            await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, new byte[1_600], i * 1_600L));
        }

        await client.WaitForEventAsync("audio-received", e => e.Long("totalBytes") == 12 * 1_600);
        Assert.Equal([4 * 1_600L, 8 * 1_600L, 12 * 1_600L], client.EventsNamed("audio-received").Select(e => e.Long("totalBytes")));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task AResumeWithoutAudioAckEveryGoesBackToAnAcknowledgementPerChunk()
    {
        await using var first = await _factory.ConnectAsync("alice");
        var started = await first.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAckEvery = 8 });
        var sessionId = started.Str("sessionId")!;
        await first.InvokeAsync("audio-chunk", first.AudioChunk(sessionId, new byte[1_600], 0));
        await using var second = await _factory.ConnectAsync("alice");

        var resumed = await second.InvokeAsync("start-session", new { sessionId, lastSeq = 0 });
        await second.InvokeAsync("audio-chunk", second.AudioChunk(sessionId, new byte[1_600], 1_600));

        Assert.Equal(1_600, resumed.Long("receivedBytes"));
        Assert.Equal(3_200, (await second.WaitForEventAsync("audio-received")).Long("totalBytes"));
        Assert.Empty(first.EventsNamed("audio-received"));
    }

    [Theory]
    [InlineData(0, "event")]
    [InlineData(33, "event")]
    [InlineData(4, "completion")]
    public async Task AnAudioAckEveryOutOfRangeOrWithCompletionAcksIsRefused(int every, string audioAck)
    {
        await using var client = await _factory.ConnectAsync("alice");

        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAck, audioAckEvery = every }, "invalid-request");
    }

    [Fact]
    public async Task AnUnknownAckModeIsRefused()
    {
        await using var client = await _factory.ConnectAsync("alice");

        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioAck = "sometimes" }, "invalid-request");
    }
}
