using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// Server-side endpointing (<c>turnDetection.type = server-vad</c>) with the real offline stack: the trainee only
/// streams — recordings with quiet room noise around them — and the server ends each turn where the speech stops.
/// </summary>
public sealed class ServerVadTests : IDisposable
{
    private const int PaddingMs = 1_000;

    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("energy")]
    [InlineData("silero")]
    public async Task TwoUtterancesStreamedWithoutACommitBecomeTwoTurnsEndedByTheServer(string detector)
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await StartServerVadAsync(client, new { type = "server-vad", detector });

        var first = Padded(TestAudio.IllDisposed);
        var offset = await client.StreamAsync(sessionId, first);
        var reply1 = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        await client.StreamAsync(sessionId, Padded(TestAudio.Amiable), startOffset: offset);
        var reply2 = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 2);

        var firstMs = Ms(first.Length);
        AssertSpeech(client, turn: 1, clipStartMs: PaddingMs, clipMs: Ms(TestAudio.IllDisposed.Pcm16().Length));
        AssertSpeech(client, turn: 2, clipStartMs: firstMs + PaddingMs, clipMs: Ms(TestAudio.Amiable.Pcm16().Length));
        var transcript1 = client.EventsNamed("transcription").Single(e => e.Int("turn") == 1 && e.Bool("isFinal"));
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, transcript1.Str("text")!) <= 0.5, transcript1.Str("text"));
        Assert.False(string.IsNullOrWhiteSpace(reply1.Str("text")));
        Assert.False(string.IsNullOrWhiteSpace(reply2.Str("text")));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task SessionStartedReportsTheTurnDetectionWithEveryDefaultFilledIn()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "server-vad" } });
        var plain = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario });

        var vad = started.GetProperty("turnDetection");
        Assert.Equal("server-vad", vad.Str("type"));
        Assert.Equal("energy", vad.Str("detector"));
        Assert.Equal(0.5, vad.GetProperty("threshold").GetDouble(), 3);
        Assert.Equal(300, vad.Int("prefixPaddingMs"));
        Assert.Equal(500, vad.Int("silenceMs"));
        var none = plain.GetProperty("turnDetection");
        Assert.Equal("none", none.Str("type"));
        Assert.False(none.TryGetProperty("detector", out _));
    }

    [Fact]
    public async Task ASemanticVadSessionEndsItsTurnsOnTheServerAndReportsItsEagernessAndBothSilences()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "semantic-vad", eagerness = "high" } });
        var sessionId = started.Str("sessionId")!;
        await client.StreamAsync(sessionId, Padded(TestAudio.IllDisposed));
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        var vad = started.GetProperty("turnDetection");
        Assert.Equal("semantic-vad", vad.Str("type"));
        Assert.Equal("high", vad.Str("eagerness"));
        Assert.Equal(250, vad.Int("silenceMs"));
        Assert.Equal(1_000, vad.Int("unfinishedSilenceMs"));
        Assert.Equal(100, started.GetProperty("audioConfig").Int("chunkMs")); // a stop is heard when the next chunk comes
        Assert.Single(client.EventsNamed("speech-stopped"));
        Assert.False(string.IsNullOrWhiteSpace(reply.Str("text")));
    }

    [Theory]
    [InlineData("smart-vad", null, "'server-vad', 'semantic-vad' or 'none'")]
    [InlineData("server-vad", "webrtc", "energy, silero")]
    public async Task AnUnsupportedTurnDetectionIsRefusedSayingWhatIsAllowed(string type, string? detector, string allowed)
    {
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type, detector } }, "unsupported-turn-detection");

        Assert.Contains(allowed, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheSileroModelSileroIsRefusedSayingHowToInstallItWhileEnergyServesAndTheNodeStaysReady()
    {
        _factory.Setting("Vad:SileroModel", "/nonexistent/silero_vad.onnx");
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "server-vad", detector = "silero" } }, "unsupported-turn-detection");
        var energy = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "server-vad" } });
        using var http = _factory.CreateClient();
        var ready = await http.GetAsync("/readyz");
        var status = await ready.Content.ReadAsStringAsync();

        Assert.Contains("scripts/setup.sh runtime", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("energy", energy.GetProperty("turnDetection").Str("detector"));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("vad:silero", status, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 300, 500, "threshold")]
    [InlineData(0.5, 5_000, 500, "prefixPaddingMs")]
    [InlineData(0.5, 300, 50, "silenceMs")]
    [InlineData(0.5, 300, 60_000, "silenceMs")]
    public async Task ASettingOutOfRangeIsAnInvalidRequestNamingIt(double threshold, int prefixPaddingMs, int silenceMs, string named)
    {
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "server-vad", threshold, prefixPaddingMs, silenceMs } }, "invalid-request");

        Assert.Contains("turnDetection." + named, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommitDuringSpeechStopsTheSpeechThereAndEndsTheTurn()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await StartServerVadAsync(client, new { type = "server-vad", detector = "energy", silenceMs = 5_000 });
        var noise = VadAudio.WhiteNoise(16 * PaddingMs, dbfs: -60, seed: 11);
        var audio = TestAudio.ToBytes([.. noise, .. TestAudio.IllDisposed.Samples()]);

        var total = await client.StreamAsync(sessionId, audio);
        await client.CommitAsync(sessionId);

        var stopped = await client.WaitForEventAsync("speech-stopped", e => e.Int("turn") == 1);
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        Assert.InRange(stopped.Long("audioEndMs"), Ms(total) - 40, Ms(total));
        Assert.Single(client.EventsNamed("speech-started"));
    }

    [Fact]
    public async Task RoomNoiseAloneStartsNoSpeechAndNoTurn()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await StartServerVadAsync(client, new { type = "server-vad", detector = "energy" });

        await client.StreamAsync(sessionId, TestAudio.ToBytes(VadAudio.WhiteNoise(16 * 4_000, dbfs: -50, seed: 12)));
        await client.CommitAsync(sessionId);
        await client.InvokeAsync("end-session", new { sessionId });
        await client.WaitForEventAsync("session-ended");

        Assert.Empty(client.EventsNamed("speech-started"));
        Assert.DoesNotContain(client.EventsNamed("transcription"), e => e.Int("turn") > 0 && !string.IsNullOrEmpty(e.Str("text")));
    }

    [Fact]
    public async Task WithoutServerVadTheClientStillEndsTurnsAndNoSpeechEventsAreSent()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.StreamAsync(sessionId, Padded(TestAudio.IllDisposed));
        await client.CommitAsync(sessionId);
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.Empty(client.EventsNamed("speech-started"));
        Assert.Empty(client.EventsNamed("speech-stopped"));
    }

    private static async Task<string> StartServerVadAsync(RoleplayHubClient client, object turnDetection)
    {
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection });
        var id = started.Str("sessionId")!;
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));
        return id;
    }

    /// <summary>The clip with a second of quiet room noise (−60 dBFS) before and after it.</summary>
    private static byte[] Padded(TestAudio.Clip clip)
    {
        var samples = VadAudio.Pad(clip.Samples(), 16 * PaddingMs);
        return TestAudio.ToBytes(VadAudio.Mix(samples, VadAudio.WhiteNoise(samples.Length, dbfs: -60, seed: clip.Reference.Length)));
    }

    private static long Ms(long pcm16Bytes) => pcm16Bytes / 32;

    /// <summary>One start and one stop for the turn, in order, around the clip's words: the start within the prefix
    /// padding (and a window) before the clip and its first half, the stop in its second half.</summary>
    private static void AssertSpeech(RoleplayHubClient client, int turn, long clipStartMs, long clipMs)
    {
        var started = client.EventsNamed("speech-started").Single(e => e.Int("turn") == turn);
        var stopped = client.EventsNamed("speech-stopped").Single(e => e.Int("turn") == turn);
        var final = client.EventsNamed("transcription").Single(e => e.Int("turn") == turn && e.Bool("isFinal"));
        Assert.True(started.Long("seq") < stopped.Long("seq") && stopped.Long("seq") < final.Long("seq"), "speech-started, speech-stopped, then the final transcript");
        Assert.InRange(started.Long("audioStartMs"), clipStartMs - 300 - 32, clipStartMs + (clipMs / 2));
        Assert.InRange(stopped.Long("audioEndMs"), clipStartMs + (clipMs / 2), clipStartMs + clipMs + 32);
    }
}
