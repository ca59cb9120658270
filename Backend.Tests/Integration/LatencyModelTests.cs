using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The benchmark harness's providers: fixed results after fixed delays, selected only explicitly.</summary>
public sealed class LatencyModelTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory()
        .Setting("Stt:Provider", "latency-model").Setting("Ai:Provider", "latency-model").Setting("Tts:Provider", "latency-model")
        .Setting("LatencyModel:SttDelay", "00:00:00.050").Setting("LatencyModel:AiDelay", "00:00:00.080").Setting("LatencyModel:TtsDelay", "00:00:00.050")
        .Setting("Sessions:SpeakOpeningLine", "false");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ATurnTakesTheModelledTimePerStageAndReturnsTheFixedResults()
    {
        await using var client = await _factory.ConnectAsync("bench-user");
        var sessionId = await client.StartAsync(waitForOpening: false);

        var noise = new byte[24_000];
        new Random(7).NextBytes(noise);
        await client.StreamAsync(sessionId, noise);
        await client.CommitAsync(sessionId);
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1);

        var final = client.EventsNamed("transcription").Single(e => e.Bool("isFinal"));
        var reply = client.EventsNamed("ai-response").Single();
        Assert.StartsWith("Hello, I would like to talk", final.Str("text"));
        Assert.Equal("I need to understand the total cost before we go any further.", reply.Str("text"));
        Assert.True(final.GetProperty("timings").Int("sttMs") >= 40); // the modelled 50 ms (timer granularity aside)
        Assert.True(reply.GetProperty("timings").Int("aiMs") >= 70);
        Assert.True(avatar.GetProperty("timings").Int("ttsMs") >= 40);
        Assert.Equal(1_000, avatar.Int("duration"));
        Assert.DoesNotContain(client.Events, e => e.Name == "ai-response" && e.Payload.Int("turn") == 0);
    }
}
