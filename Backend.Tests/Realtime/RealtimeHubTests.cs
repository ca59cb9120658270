using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Realtime;

/// <summary>
/// Sessions on a realtime speech-to-speech model through the hub, against each protocol family's fake vendor: the same
/// events as the cascaded engine (speech, transcripts, streamed text, stored audio segments, the reply), barge-in, and
/// the same history.
/// </summary>
public sealed class RealtimeHubTests : IAsyncLifetime
{
    private const int PaddingMs = 800;
    private readonly RoleplayHubFactory _factory = new();
    private FakeRealtimeServer _fake = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Azure)]
    [InlineData(RealtimeVendors.StepFun)]
    [InlineData(RealtimeVendors.Qwen)]
    [InlineData(RealtimeVendors.Glm)]
    [InlineData(RealtimeVendors.Gemini)]
    public async Task ASpokenTurnOnARealtimeModelGivesTheCascadedEventsAndLandsInTheHistory(string vendor)
    {
        await StartVendorAsync(vendor);
        _fake.Script.EnqueueUserTranscript("what is your best price");
        _fake.Script.EnqueueReply("Our price is fixed for this year. Volume could change that.");
        await using var client = await _factory.ConnectAsync("alice");
        using var admin = _factory.CreateClient("root", "admin");

        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", turnDetection = new { type = "server-vad" } });
        var sessionId = started.Str("sessionId")!;
        await client.StreamAsync(sessionId, Padded(TestAudio.IllDisposed), chunkBytes: 3_200);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var last = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.Equal("realtime:fake", started.Str("engine"));
        Assert.Equal("Our price is fixed for this year. Volume could change that.", reply.Str("text"));
        Assert.Equal("what is your best price", client.EventsNamed("transcription").Single(e => e.Int("turn") == 1 && e.Bool("isFinal")).Str("text"));
        // Gemini reports no speech starts or stops: its turns are numbered by their transcript or reply.
        Assert.Equal(vendor == RealtimeVendors.Gemini ? 0 : 1, client.EventsNamed("speech-started").Count(e => e.Int("turn") == 1));
        Assert.Equal(vendor == RealtimeVendors.Gemini ? 0 : 1, client.EventsNamed("speech-stopped").Count(e => e.Int("turn") == 1));
        var deltas = client.EventsNamed("ai-response-delta").Where(e => e.Int("turn") == 1).ToList();
        Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Int("index")));
        Assert.Equal(reply.Str("text"), string.Concat(deltas.Select(d => d.Str("text"))).Trim());
        var segments = client.EventsNamed("avatar-response").Where(e => e.Int("turn") == 1).ToList();
        Assert.Equal(Enumerable.Range(0, segments.Count), segments.Select(s => s.Int("segment")));
        Assert.All(segments, s => Assert.StartsWith("audio/", s.Str("mimeType"), StringComparison.Ordinal));
        Assert.NotNull(last.GetProperty("visemes")[0].Str("v"));
        var wav = await admin.GetByteArrayAsync(last.Str("audioUrl"));
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Empty(client.EventsNamed("error"));
        var overhead = (await admin.GetFromJsonAsync<JsonElement>("/api/stats")).GetProperty("realtime"); // the server's own time, for the benchmark
        Assert.Equal(1, overhead.GetProperty("replies").GetInt64());
        Assert.True(overhead.GetProperty("appends").GetInt64() > 0);

        await client.InvokeAsync("end-session", new { sessionId });
        var history = await admin.SessionAsync(sessionId, s => s.Int("totalTurns") >= 1);
        var detail = await admin.DetailAsync(history.Str("id")!);
        var turn = detail.GetProperty("turns").EnumerateArray().Single(t => t.Int("turn") == 1);
        Assert.Equal("what is your best price", turn.Str("userText"));
        Assert.Equal("Our price is fixed for this year. Volume could change that.", turn.Str("aiText"));
        Assert.Equal(segments.Count, turn.GetProperty("avatarSegments").GetArrayLength());
    }

    [Fact]
    public async Task GeminiOnTheServersSpeechDetectionReportsTheTraineesSpeechAndMarksEachTurnsActivity()
    {
        await StartVendorAsync(RealtimeVendors.Gemini);
        _factory.Setting("Realtime:Profiles:fake:SpeechDetection", "server");
        _fake.Script.EnqueueUserTranscript("what is your best price");
        _fake.Script.EnqueueReply("Our price is fixed for this year.");
        await using var client = await _factory.ConnectAsync("alice");

        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", turnDetection = new { type = "server-vad" } });
        await client.StreamAsync(started.Str("sessionId")!, Padded(TestAudio.IllDisposed), chunkBytes: 3_200);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        var speechStarted = client.EventsNamed("speech-started").Single(e => e.Int("turn") == 1);
        var speechStopped = client.EventsNamed("speech-stopped").Single(e => e.Int("turn") == 1);
        Assert.InRange(speechStarted.Int("audioStartMs"), PaddingMs - 400, PaddingMs + 200); // where the clip starts in the padding
        Assert.True(speechStopped.Int("audioEndMs") > speechStarted.Int("audioStartMs"));
        Assert.Equal("Our price is fixed for this year.", reply.Str("text"));
        var record = _fake.LastSession;
        Assert.Contains("\"disabled\":true", record.SessionConfig, StringComparison.Ordinal); // Gemini's own detection is off
        Assert.Equal(["realtimeInput.activityStart", "realtimeInput.activityEnd"], record.ClientEvents.Where(e => e.StartsWith("realtimeInput.activity", StringComparison.Ordinal)).ToArray());
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi, true)]
    [InlineData(RealtimeVendors.Glm, false)]
    [InlineData(RealtimeVendors.Gemini, false)]
    public async Task TalkingOverTheModelInterruptsItTruncatesWhatWasNotHeardAndKeepsOnlyTheHeardPart(string vendor, bool truncates)
    {
        await StartVendorAsync(vendor);
        _fake.Script.EnqueueUserTranscript("tell me about your delivery terms");
        // Long enough (about 20 s of audio) to still be playing when the next utterance starts, even on a loaded machine.
        _fake.Script.EnqueueReply("Delivery takes six weeks from the order, and we ship from our central warehouse in two batches, with tracking for every pallet and a named contact for every shipment. "
            + "Customs clearance is included, insurance is on us until the goods reach your dock, and any damaged pallet is replaced within five working days.");
        _fake.Script.EnqueueUserTranscript("that is too slow");
        _fake.Script.EnqueueReply("I understand.");
        await using var client = await _factory.ConnectAsync("alice");
        using var admin = _factory.CreateClient("root", "admin");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", turnDetection = new { type = "server-vad" } });
        var sessionId = started.Str("sessionId")!;

        var offset = await client.StreamAsync(sessionId, Padded(TestAudio.IllDisposed), chunkBytes: 3_200);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1);
        await client.StreamAsync(sessionId, Padded(TestAudio.Amiable), chunkBytes: 3_200, startOffset: offset);
        var interrupted = await client.WaitForEventAsync("response-interrupted", e => e.Int("turn") == 1);
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 2);

        Assert.True(interrupted.Int("playedMs") >= 0);
        Assert.DoesNotContain(client.EventsNamed("ai-response"), e => e.Int("turn") == 1); // the cut reply never completes
        var record = _fake.LastSession;
        if (truncates)
        {
            Assert.NotEmpty(record.Truncations);
        }
        else
        {
            Assert.Empty(record.Truncations);
        }

        await client.InvokeAsync("end-session", new { sessionId });
        var history = await admin.SessionAsync(sessionId, s => s.Int("totalTurns") >= 2);
        var turns = (await admin.DetailAsync(history.Str("id")!)).GetProperty("turns").EnumerateArray().ToList();
        var cut = turns.Single(t => t.Int("turn") == 1);
        Assert.True(cut.GetProperty("interrupted").GetBoolean());
        Assert.Equal(interrupted.Str("heardText"), cut.Str("aiText"));
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Gemini)]
    public async Task WhenTheVendorClosesAtItsSessionCapTheDrillGoesOnOnANewConnectionThatRemembersTheConversation(string vendor)
    {
        await StartVendorAsync(vendor, sessionCap: TimeSpan.FromSeconds(5));
        _fake.Script.EnqueueUserTranscript("what is your best price");
        _fake.Script.EnqueueReply("It is fixed.");
        _fake.Script.EnqueueUserTranscript("and the delivery");
        _fake.Script.EnqueueReply("Six weeks.");
        await using var client = await _factory.ConnectAsync("alice");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", turnDetection = new { type = "server-vad" } });
        var sessionId = started.Str("sessionId")!;

        var offset = await client.StreamAsync(sessionId, Padded(TestAudio.IllDisposed), chunkBytes: 3_200);
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        Assert.True(await Poll.UntilAsync(() => _fake.Sessions.Count == 2, TimeSpan.FromSeconds(30)), "timed out"); // the cap closed the first connection; a second took over
        await client.StreamAsync(sessionId, Padded(TestAudio.Amiable), chunkBytes: 3_200, startOffset: offset);
        var second = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 2);

        Assert.Equal("Six weeks.", second.Str("text"));
        var resumed = _fake.Sessions[1];
        if (vendor == RealtimeVendors.Gemini)
        {
            Assert.NotNull(resumed.ResumedFrom); // Gemini continues the same session by its handle
        }
        else
        {
            Assert.Contains(resumed.History, h => h.Contains("It is fixed.", StringComparison.Ordinal)); // re-seeded as text
        }

        Assert.DoesNotContain(client.EventsNamed("session-ended"), _ => true);
    }

    [Fact]
    public async Task AudioStreamedAcrossTheVendorsSessionCapsIsDroppedWhileItReconnectsNotTheSession()
    {
        // Every second the vendor closes the connection at its cap while the microphone streams at its own pace: the
        // session moves from connection to connection with nothing reported to the trainee.
        await StartVendorAsync(RealtimeVendors.OpenAi, sessionCap: TimeSpan.FromSeconds(1));
        await using var client = await _factory.ConnectAsync("alice");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", turnDetection = new { type = "server-vad" } });
        var sessionId = started.Str("sessionId")!;
        var noise = TestAudio.ToBytes(VadAudio.WhiteNoise(16 * 6_000, dbfs: -60, seed: 7));

        foreach (var (offset, bytes) in TestAudio.Chunks(noise, 1_600))
        {
            await client.InvokeAsync("audio-chunk", client.AudioChunk(sessionId, bytes, offset));
            await Task.Delay(50);
        }

        Assert.True(_fake.Sessions.Count >= 4, $"{_fake.Sessions.Count} connections: the caps did not close them");
        Assert.DoesNotContain(client.EventsNamed("session-ended"), _ => true);
        Assert.DoesNotContain(client.EventsNamed("error"), _ => true);
    }

    [Fact]
    public async Task AnEngineTheServerDoesNotOfferIsRefusedListingTheOnesItDoes()
    {
        await StartVendorAsync(RealtimeVendors.OpenAi);
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:nope" }, "unsupported-engine");

        Assert.Contains("use one of: cascaded, realtime:fake", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADrillOnARealtimeModelIsOfferedAndStartsInALanguageTheOfflineRecogniserCannotHear()
    {
        await StartVendorAsync(RealtimeVendors.OpenAi);
        _factory.Setting($"Engine:ByScenario:{HubTestKit.Scenario}", "realtime:fake");
        using var trainee = _factory.CreateClient("alice");
        await using var client = await _factory.ConnectAsync("alice");

        var catalog = await trainee.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" });

        bool Available(string scenario) => catalog.EnumerateArray().Single(s => s.Str("id") == scenario)
            .GetProperty("variants").EnumerateArray().Single(v => v.Str("language") == "zh-CN").GetProperty("available").GetBoolean();
        Assert.True(Available(HubTestKit.Scenario));
        Assert.Contains(catalog.EnumerateArray(), s => s.Str("id") != HubTestKit.Scenario && !Available(s.Str("id")!)); // still cascaded: English only
        Assert.Equal(("zh-CN", "realtime:fake"), (started.Str("language"), started.Str("engine")));
    }

    [Fact]
    public async Task AKeyTheVendorRefusesRefusesTheSessionWithTheVendorsReasonAndLeavesNothingBehind()
    {
        await StartVendorAsync(RealtimeVendors.OpenAi, key: "wrong-key");
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { sessionId = "rt-refused", scenarioId = HubTestKit.Scenario, engine = "realtime:fake" }, "ai-failed");
        await client.RefusedAsync("start-session", new { sessionId = "rt-refused", scenarioId = HubTestKit.Scenario, engine = "realtime:fake" }, "ai-failed"); // not "session-exists": nothing was left registered

        var error = client.EventsNamed("error").First(e => e.Str("code") == "ai-failed");
        Assert.False(error.GetProperty("retryable").GetBoolean());
        Assert.DoesNotContain("wrong-key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileThatFallsBackRunsTheSessionItCannotOpenOnTheCascadedEngineAndSaysWhy()
    {
        await StartVendorAsync(RealtimeVendors.OpenAi, key: "wrong-key");
        _factory.Setting("Realtime:Profiles:fake:FallbackToCascaded", "true");
        await using var client = await _factory.ConnectAsync("alice");

        var started = await client.InvokeAsync("start-session", new { sessionId = "rt-fallback", scenarioId = HubTestKit.Scenario, engine = "realtime:fake" });
        await client.StreamAsync("rt-fallback", TestAudio.IllDisposed.Pcm16(), chunkBytes: 3_200);
        await client.CommitAsync("rt-fallback");
        var final = await client.WaitForEventAsync("transcription", e => e.Int("turn") == 1 && e.Bool("isFinal"));
        var chinese = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, engine = "realtime:fake", language = "zh-CN" }, "ai-failed");

        Assert.Equal("cascaded", started.Str("engine"));
        var warning = Assert.Single(started.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("realtime:fake", warning, StringComparison.Ordinal);
        Assert.Contains("ai-failed", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", warning, StringComparison.Ordinal);
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, final.Str("text")!) <= 0.5, final.Str("text")); // PocketSphinx heard it
        Assert.DoesNotContain("Stt__ByLanguage", chinese.Message, StringComparison.Ordinal); // the model's refusal, not the cascaded engine's
    }

    private async Task StartVendorAsync(string vendor, string key = "test-key", TimeSpan? sessionCap = null)
    {
        _fake = FakeRealtimeServers.Create(new FakeRealtimeOptions
        {
            Vendor = vendor, Speed = 2, FirstAudioDelay = TimeSpan.FromMilliseconds(100), SessionCap = sessionCap ?? TimeSpan.FromMinutes(60), GoAwayLead = TimeSpan.FromSeconds(1),
        });
        await _fake.StartAsync();
        _factory.Setting("Realtime:Profiles:fake:Vendor", vendor)
            .Setting("Realtime:Profiles:fake:Model", "fake-model")
            .Setting("Realtime:Profiles:fake:ApiKey", key)
            .Setting("Realtime:Profiles:fake:Endpoint", _fake.EndpointUrl)
            .Setting("Realtime:Profiles:fake:Deployment", vendor == RealtimeVendors.Azure ? "my-realtime" : null)
            .Setting("Realtime:Profiles:fake:TranscriptionModel", vendor == RealtimeVendors.Azure ? "my-transcribe" : null);
    }

    /// <summary>The clip between stretches of quiet room noise, as a microphone streams it.</summary>
    private static byte[] Padded(TestAudio.Clip clip)
    {
        var samples = VadAudio.Pad(clip.Samples(), 16 * PaddingMs);
        return TestAudio.ToBytes(VadAudio.Mix(samples, VadAudio.WhiteNoise(samples.Length, dbfs: -60, seed: clip.Reference.Length)));
    }
}
