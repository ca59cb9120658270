using Microsoft.AspNetCore.Http.Connections;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Bad input never crashes, hangs or loses data: each case gets a clear error and the session carries on.</summary>
public sealed class HubRobustnessTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnotherUsersSessionIsInvisibleAndUntouchable()
    {
        await using var alice = await _factory.ConnectAsync("alice");
        await using var bob = await _factory.ConnectAsync("bob");
        var sessionId = await alice.StartAsync();
        var audio = Convert.ToBase64String(new byte[8_000]);

        await bob.RefusedAsync("audio-chunk", new { sessionId, audioData = audio, offset = 0 }, "session-not-found");
        await bob.RefusedAsync("commit-audio", new { sessionId }, "session-not-found");
        await bob.RefusedAsync("end-session", new { sessionId }, "session-not-found");
        await bob.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-exists");
        await alice.InvokeAsync("audio-chunk", new { sessionId, audioData = audio, offset = 0 });

        Assert.Equal(8_000, alice.EventsNamed("audio-received").Single().Long("totalBytes"));
        Assert.Empty(alice.EventsNamed("error"));
        Assert.Empty(alice.EventsNamed("session-ended"));
        Assert.DoesNotContain(bob.Events, e => e.Name is "audio-received" or "session-ended");
    }

    [Fact]
    public async Task InvalidBase64IsReportedAndTheSessionSurvives()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = "this is not base64!", offset = 0 }, "invalid-audio");
        await client.SendAsync("audio-chunk", new { sessionId, audioData = "%%%", offset = 0 }); // fire-and-forget gets the event too
        await client.WaitForEventAsync("error", e => e.Str("code") == "invalid-audio" && client.EventsNamed("error").Count == 2);
        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("still here"));
        await client.CommitAsync(sessionId);

        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        Assert.Equal("still here", final.Str("text"));
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task OversizeChunkIsRefusedWithoutClosingTheConnection(HttpTransportType transport)
    {
        await using var client = await _factory.ConnectAsync("alice", new HubClientOptions(transport));
        var sessionId = await client.StartAsync();

        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[66_000]), offset = 0 }, "chunk-too-large");
        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[200_000]), offset = 0 }, "chunk-too-large");
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[8_000]), offset = 0 });

        Assert.Null(client.ClosedReason);
        Assert.Equal(8_000, client.EventsNamed("audio-received").Single().Long("totalBytes"));
    }

    [Fact]
    public async Task UnknownSessionIsRefused()
    {
        await using var client = await _factory.ConnectAsync("alice");

        await client.RefusedAsync("audio-chunk", new { sessionId = "no-such-session", audioData = "AAAA", offset = 0 }, "session-not-found");
        await client.RefusedAsync("commit-audio", new { sessionId = "no-such-session" }, "session-not-found");
        await client.RefusedAsync("audio-chunk", new { audioData = "AAAA", offset = 0 }, "invalid-request");
    }

    [Fact]
    public async Task DuplicateChunksAreAcknowledgedOnceGapsAreRefusedOverlapsKeepTheNewTail()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        string Chunk(int bytes) => Convert.ToBase64String(new byte[bytes]);

        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Chunk(8_000), offset = 0 });
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Chunk(8_000), offset = 0 }); // resent after a reconnect
        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = Chunk(8_000), offset = 16_000 }, "audio-gap");
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Chunk(8_000), offset = 8_000 });
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Chunk(8_000), offset = 12_000 }); // half new

        var acks = client.EventsNamed("audio-received");
        Assert.Equal([8_000L, 8_000L, 16_000L, 20_000L], acks.Select(a => a.Long("totalBytes")));
        Assert.True(acks[1].Bool("duplicate"));
        Assert.False(acks[2].Bool("duplicate"));
        var gap = client.EventsNamed("error").Single();
        Assert.True(gap.Bool("retryable"));
        Assert.Contains("8000", gap.Str("message"));
    }

    [Fact]
    public async Task OddSizedPcmChunksAreRefused()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[7_999]), offset = 0 }, "invalid-audio");
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[8_000]), offset = 0 });
    }

    [Fact]
    public async Task CallsAfterEndAreRefusedWithSessionEnded()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        await client.InvokeAsync("end-session", new { sessionId });
        await client.WaitForEventAsync("session-ended");

        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = "AAAA", offset = 0 }, "session-ended");
        await client.RefusedAsync("commit-audio", new { sessionId }, "session-ended");
        await client.RefusedAsync("end-session", new { sessionId }, "session-ended");
        await client.RefusedAsync("start-session", new { sessionId, scenarioId = HubTestKit.Scenario }, "session-ended");
        Assert.Single(client.EventsNamed("session-ended"));
    }

    [Fact]
    public async Task StartSessionValidatesScenarioLanguageFormatAndId()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var unknown = await client.RefusedAsync("start-session", new { scenarioId = "no-such-drill" }, "unknown-scenario");
        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "fr-FR" }, "unsupported-language");
        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "mp3" } }, "unsupported-audio-format");
        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "pcm16", sampleRate = 12345 } }, "unsupported-audio-format");
        await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, sessionId = "has spaces/and slashes" }, "invalid-request");
        await client.RefusedAsync("start-session", new { scenarioId = 42 }, "invalid-request");

        Assert.Contains(HubTestKit.Scenario, unknown.Message);
    }

    [Fact]
    public async Task MalformedPayloadsGetErrorEventsNotBindingFailures()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        // Well-formed hub messages whose arguments have the wrong shape: {"audioData":123,"offset":"zero"}, a string for
        // a request object, null for one.
        await client.SendAsync("audio-chunk", new { sessionId, audioData = 123, offset = "zero" });
        await client.SendAsync("start-session", "just a string");
        await client.SendAsync("commit-audio", null);

        await client.WaitForEventAsync("error", e => client.EventsNamed("error").Count >= 3);
        var codes = client.EventsNamed("error").Select(e => e.Str("code")).ToList();
        Assert.Contains("invalid-audio", codes);
        Assert.Equal(2, codes.Count(c => c == "invalid-request"));
        Assert.Null(client.ClosedReason);
    }

    [Fact]
    public async Task AFrameThatIsNotJsonClosesOnlyThatConnectionAndTheSessionResumesOnAnother()
    {
        await using var raw = await _factory.ConnectRawAsync("alice");
        await raw.SendAsync($$"""{"type":1,"invocationId":"1","target":"start-session","arguments":[{"scenarioId":"{{HubTestKit.Scenario}}"}]}""");
        var sessionId = (await raw.WaitForEventAsync("session-started")).Str("sessionId");
        await using var bystander = await _factory.ConnectAsync("bob");
        await bystander.StartAsync(waitForOpening: false);

        await raw.SendAsync("""{"type":1,"target":"audio-chunk","arguments":[{"sessionId":""");
        var closed = await raw.EndedAsync();
        await using var again = await _factory.ConnectAsync("alice");
        var resumed = await again.InvokeAsync("start-session", new { sessionId });

        Assert.Contains("closed with an error", closed, StringComparison.Ordinal);
        Assert.True(resumed.Bool("resumed"));
        Assert.Null(bystander.ClosedReason);
    }

    [Fact]
    public async Task AUserCannotOpenMoreSessionsThanTheLimit()
    {
        _factory.Setting("Sessions:MaxSessionsPerUser", "2");
        await using var client = await _factory.ConnectAsync("alice");
        await client.StartAsync(waitForOpening: false);
        await client.StartAsync(waitForOpening: false);

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "session-limit");
        await using var other = await _factory.ConnectAsync("bob");
        await other.StartAsync(waitForOpening: false);

        Assert.Contains("2", refusal.Message);
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task ADisconnectedClientResumesItsSessionAndGetsWhatItMissed(HttpTransportType transport)
    {
        await using var first = await _factory.ConnectAsync("alice", new HubClientOptions(transport));
        var sessionId = await first.StartAsync();
        var offset = await first.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price"));
        var lastSeq = first.Events.Where(e => e.Payload.TryGetProperty("seq", out _)).Max(e => e.Payload.Long("seq"));
        await first.CommitAsync(sessionId);
        first.Abort(); // the network drops right after the commit: whatever the server sends next may be lost

        await using var second = await _factory.ConnectAsync("alice", new HubClientOptions(transport));
        var resumed = await second.InvokeAsync("start-session", new { sessionId, lastSeq });
        var reply = await second.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        await second.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        await second.StreamAsync(sessionId, EchoSpeechToText.Speak("thanks"), startOffset: offset);

        Assert.True(resumed.Bool("resumed"));
        Assert.Equal(offset, resumed.Long("receivedBytes"));
        Assert.Equal(1, reply.Int("turnCount"));
        // Numbered events only: a partial transcript (seq 0) goes to whoever is connected and is never replayed, so one
        // can arrive first when the turn's final transcript had not been raised yet at the resume.
        var replayed = second.Events.Where(e => e.Name is "transcription" or "ai-response" or "avatar-response")
            .Select(e => e.Payload.Long("seq")).Where(seq => seq > 0).ToList();
        Assert.Equal(lastSeq + 1, replayed[0]);
        Assert.Equal(replayed.Order(), replayed);
        Assert.Empty(second.EventsNamed("error"));
    }

    [Fact]
    public async Task ASessionLeftAloneAfterADisconnectEndsWhenTheGraceRunsOut()
    {
        var clock = _factory.Setting("Sessions:ReconnectGrace", "00:00:30").UseManualTime();
        await using var first = await _factory.ConnectAsync("alice");
        var sessionId = await first.StartAsync();
        await first.DisposeAsync();
        await Task.Delay(200);

        clock.Advance(TimeSpan.FromSeconds(31));
        await Task.Delay(300);
        await using var second = await _factory.ConnectAsync("alice");

        await second.RefusedAsync("start-session", new { sessionId }, "session-ended");
        Assert.Contains("disconnected", second.EventsNamed("error").Single().Str("message"));
    }
}
