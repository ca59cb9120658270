using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Sessions;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Buffering, flushing, turn-taking and session ends, with recognition replaced by <see cref="EchoSpeechToText"/>
/// and the clock in the test's hands.</summary>
public sealed class SessionBehaviourTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithEchoSpeech();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ReachingTheFlushSizeGivesAPartialTranscriptionButNoReply()
    {
        _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var speech = Padded("tell me about your budget", 12_000);

        await client.StreamAsync(sessionId, speech, chunkBytes: 12_000);
        await client.StreamAsync(sessionId, Padded("please", 12_000), chunkBytes: 12_000, startOffset: 12_000);
        var partialBeforeThreshold = client.EventsNamed("transcription").Count;
        await client.StreamAsync(sessionId, Padded("now", 12_000), chunkBytes: 12_000, startOffset: 24_000); // 36 000 ≥ 32 768

        var partial = await client.WaitForEventAsync("transcription");
        Assert.Equal(0, partialBeforeThreshold);
        Assert.False(partial.Bool("isFinal"));
        Assert.Equal(1, partial.Int("turn"));
        Assert.Equal("tell me about your budget please now", partial.Str("text"));
        await Task.Delay(200);
        Assert.DoesNotContain(client.EventsNamed("ai-response"), e => e.Int("turn") == 1);
    }

    [Fact]
    public async Task TwoSecondsWithoutAudioEndsTheTurn()
    {
        var clock = _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price"));
        clock.Advance(TimeSpan.FromMilliseconds(1_900));
        await Task.Delay(200);
        var earlyFinals = client.EventsNamed("transcription").Count(e => e.Bool("isFinal"));
        clock.Advance(TimeSpan.FromMilliseconds(100));

        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        Assert.Equal(0, earlyFinals);
        Assert.Equal("what is the price", final.Str("text"));
        Assert.Equal(1, reply.Int("turnCount"));
    }

    [Fact]
    public async Task NewAudioRestartsTheIdleWait()
    {
        var clock = _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        var offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("first part"));
        clock.Advance(TimeSpan.FromMilliseconds(1_500));
        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("second part"), startOffset: offset);
        clock.Advance(TimeSpan.FromMilliseconds(1_500));
        await Task.Delay(200);
        var finalsAfterThreeSeconds = client.EventsNamed("transcription").Count(e => e.Bool("isFinal"));
        clock.Advance(TimeSpan.FromMilliseconds(500));

        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        Assert.Equal(0, finalsAfterThreeSeconds);
        Assert.Equal("first part second part", final.Str("text"));
    }

    [Fact]
    public async Task AConnectionLostMidUtteranceIsNotTakenForSilence()
    {
        // The idle flush ends a turn after 2 s without audio; an outage longer than that must not cut the sentence in
        // two: the client resends what it recorded meanwhile after its resume, and commits the whole utterance.
        var clock = _factory.UseManualTime();
        var sessions = _factory.Services.GetRequiredService<SessionManager>();
        await using var first = await _factory.ConnectAsync("alice");
        var sessionId = await first.StartAsync();
        var offset = await first.StreamAsync(sessionId, EchoSpeechToText.Speak("first part"));
        first.Abort();
        for (var i = 0; i < 1_500 && sessions.GetStats().DetachedSessions == 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, sessions.GetStats().DetachedSessions); // the server saw the loss before the held clock moves
        clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        await using var second = await _factory.ConnectAsync("alice");
        await second.InvokeAsync("start-session", new { sessionId });
        clock.Advance(TimeSpan.FromMilliseconds(1_900)); // the idle wait starts again at the resume
        await Task.Delay(200);
        await second.StreamAsync(sessionId, EchoSpeechToText.Speak("second part"), startOffset: offset);
        await second.CommitAsync(sessionId);

        var final = await second.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        Assert.Equal(1, sessions.GetStats().ActiveSessions);
        Assert.Equal(1, final.Int("turn"));
        Assert.Equal("first part second part", final.Str("text"));
    }

    [Fact]
    public async Task WithIdleFlushOffOnlyACommitEndsTheTurn()
    {
        // A client that always commits (push-to-talk) asks for it: a pause in the chunks — a network outage the
        // server has not noticed — must not end the user's turn.
        var clock = _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, idleFlush = false });
        var sessionId = started.Str("sessionId")!;
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));

        var offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("first part"));
        clock.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        var finalsAfterTenQuietSeconds = client.EventsNamed("transcription").Count(e => e.Bool("isFinal"));
        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("second part"), startOffset: offset);
        await client.CommitAsync(sessionId);

        var final = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal"));
        Assert.Equal(0, started.GetProperty("audioConfig").Int("flushIdleMs"));
        Assert.Equal(0, finalsAfterTenQuietSeconds);
        Assert.Equal("first part second part", final.Str("text"));
    }

    [Fact]
    public async Task AnIdleFlushOfTheWrongTypeIsRefusedWithAnErrorEvent()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario, idleFlush = "no" }, "invalid-request");

        Assert.Contains("idleFlush has the wrong type", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(client.EventsNamed("session-started"));
    }

    [Fact]
    public async Task CommitEndsTheTurnAtOnceAndTurnsAreAnsweredInOrder()
    {
        _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        var offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("hello there"));
        await client.CommitAsync(sessionId);
        offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price"), startOffset: offset);
        await client.CommitAsync(sessionId);
        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("can you give a discount"), startOffset: offset);
        await client.CommitAsync(sessionId);

        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 3 && e.Bool("isLast"));
        var replies = client.EventsNamed("ai-response").Where(e => e.Int("turn") > 0).ToList();
        var finals = client.EventsNamed("transcription").Where(e => e.Bool("isFinal")).Select(e => e.Str("text")).ToList();
        Assert.Equal([1, 2, 3], replies.Select(r => r.Int("turn")));
        Assert.Equal([1, 2, 3], replies.Select(r => r.Int("turnCount")));
        Assert.Equal(["hello there", "what is the price", "can you give a discount"], finals);
        var order = client.Events.Where(e => e.Name is "transcription" or "ai-response" && e.Payload.Int("turn") == 2).Select(e => e.Name).ToList();
        Assert.Equal("ai-response", order[^1]);
    }

    [Fact]
    public async Task ACommitWithNothingNewSaidDoesNothing()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.CommitAsync(sessionId);
        await Task.Delay(300);

        Assert.DoesNotContain(client.Events, e => e.Name is "transcription" or "error");
    }

    [Fact]
    public async Task ReachingMaxTurnsEndsTheSessionAfterTheLastReply()
    {
        _factory.WithScenario("two-turns", maxTurns: 2);
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync("two-turns");

        var (first, offset) = await client.SayAsync(sessionId, "what is the price", 1, 0);
        var (second, _) = await client.SayAsync(sessionId, "thank you", 2, offset);
        var ended = await client.WaitForEventAsync("session-ended");

        Assert.Equal("The price is fine.", first.Str("text"));
        Assert.EndsWith("That is all, thank you.", second.Str("text"));
        Assert.Equal("max-turns", ended.Str("reason"));
        Assert.Equal(2, ended.Int("totalTurns"));
        var lastAvatar = client.Events.Select((e, i) => (e, i)).Last(x => x.e.Name == "avatar-response").i;
        var endedAt = client.Events.Select((e, i) => (e, i)).Single(x => x.e.Name == "session-ended").i;
        Assert.True(endedAt > lastAvatar, "session-ended must follow the last reply's avatar");
        await client.RefusedAsync("audio-chunk", new { sessionId, audioData = Convert.ToBase64String(new byte[4]), offset }, "session-ended");
    }

    [Fact]
    public async Task ThirtyMinutesWithoutActivityEndsTheSession()
    {
        var clock = _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        clock.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(200);
        var endedEarly = client.EventsNamed("session-ended").Count;
        clock.Advance(TimeSpan.FromMinutes(2)); // the 60 s sweep after the 30th minute

        var ended = await client.WaitForEventAsync("session-ended");
        Assert.Equal(0, endedEarly);
        Assert.Equal(sessionId, ended.Str("sessionId"));
        Assert.Equal("idle-timeout", ended.Str("reason"));
    }

    [Fact]
    public async Task TooManyChunksPerSecondAreRefusedAndTheClientCanResend()
    {
        _factory.Setting("Sessions:ChunksPerSecond", "4").Setting("Sessions:ChunkBurst", "3");
        var clock = _factory.UseManualTime();
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var chunk = Convert.ToBase64String(new byte[800]);

        for (var i = 0; i < 3; i++)
        {
            await client.InvokeAsync("audio-chunk", new { sessionId, audioData = chunk, offset = i * 800 });
        }

        var refusal = await client.RefusedAsync("audio-chunk", new { sessionId, audioData = chunk, offset = 2_400 }, "rate-limited");
        clock.Advance(TimeSpan.FromMilliseconds(250)); // one more token
        await client.InvokeAsync("audio-chunk", new { sessionId, audioData = chunk, offset = 2_400 });

        Assert.True(client.EventsNamed("error").Single().Bool("retryable"));
        Assert.Equal(3_200, client.EventsNamed("audio-received")[^1].Long("totalBytes"));
        Assert.NotNull(refusal);
    }

    private static byte[] Padded(string text, int size)
    {
        var speech = EchoSpeechToText.Speak(text);
        var padded = new byte[size];
        speech.CopyTo(padded, 0);
        return padded;
    }
}
