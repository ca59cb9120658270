using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>
/// Each documented failure of the cloud services, reproduced by the fakes, as the trainee sees it: retried
/// transparently where the protocol allows (the utterance's audio is replayed), otherwise one clear <c>error</c> event
/// with the right <c>retryable</c> — and the session goes on.
/// </summary>
public sealed class AliyunFailureTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public static TheoryData<string> Replayable => ["idle-timeout", "dropped", "server-error", "too-many-requests"];

    [Theory]
    [MemberData(nameof(Replayable))]
    public async Task ATaskLostMidUtteranceIsReplayedFromTheKeptAudio(string failure)
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        _fake.Nls.TranscriberFaults.Enqueue(failure switch
        {
            "idle-timeout" => NlsFault.IdleTimeout(afterAudioBytes: 9_600),
            "dropped" => NlsFault.Dropped(afterAudioBytes: 9_600),
            "server-error" => NlsFault.Failed(50000000, "GRPC_ERROR:Grpc error!", afterAudioBytes: 9_600),
            _ => NlsFault.Failed(40000005, "Gateway:TOO_MANY_REQUESTS:Too many requests!"),
        });

        await client.SayAsync(sessionId, AliyunHubKit.Question);

        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        Assert.Equal(2, _fake.Nls.TasksStarted);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task AnExpiredTokenIsReplacedOnceAndTheTurnSucceeds()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        _fake.Account.ExpireAllTokens(); // the cached token stops working before its ExpireTime

        await client.SayAsync(sessionId, AliyunHubKit.Question);

        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        Assert.Contains("TaskFailed 40000001", _fake.Nls.Events);
        Assert.Equal(2, _fake.Tokens.Issued);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task ARejectedTaskIsOneClearErrorAndTheNextUtteranceWorks()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        _fake.Nls.TranscriberFaults.Enqueue(NlsFault.Failed(40270003, "DECODE_ERROR"));

        var offset = await client.SayAsync(sessionId, AliyunHubKit.Question);
        var error = await client.ErrorAsync("stt-failed");
        await client.SayAsync(sessionId, AliyunHubKit.Question, offset);

        Assert.False(error.Bool("retryable"));
        Assert.Contains("40270003", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
        Assert.Single(client.EventsNamed("error"));
    }

    [Fact]
    public async Task AGatewayOutageIsARetryableErrorAndTheSessionSurvives()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        for (var i = 0; i < 3; i++)
        {
            _fake.Nls.TranscriberFaults.Enqueue(NlsFault.Http(503));
        }

        var offset = await client.SayAsync(sessionId, AliyunHubKit.Question);
        var error = await client.ErrorAsync("stt-failed");
        await client.SayAsync(sessionId, AliyunHubKit.Question, offset);

        Assert.True(error.Bool("retryable"));
        Assert.Contains("503", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
    }

    [Fact]
    public async Task TheTokenServiceBeingDownIsRetryable()
    {
        _fake.Tokens.Unavailable = true;
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" });
        var sessionId = started.Str("sessionId")!;

        var tts = await client.ErrorAsync("tts-failed"); // the opening line could not be spoken
        await client.SayAsync(sessionId, AliyunHubKit.Question);
        var stt = await client.ErrorAsync("stt-failed");
        _fake.Tokens.Unavailable = false;
        await client.SayAsync(sessionId, AliyunHubKit.Question, FakeSpeech.Encode(AliyunHubKit.Question).Length);

        Assert.True(tts.Bool("retryable"));
        Assert.True(stt.Bool("retryable"));
        Assert.Contains("token service", stt.Str("message"), StringComparison.Ordinal);
        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
    }

    [Fact]
    public async Task ATtsServerErrorIsRetriedAndAVoiceWithoutPrivilegeIsNot()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        _fake.Nls.TtsFaults.Enqueue(NlsFault.Http(500));

        var offset = await client.SayAsync(sessionId, AliyunHubKit.Question);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        Assert.Empty(client.EventsNamed("error"));

        _fake.Nls.TtsFaults.Enqueue(new NlsFault { HttpStatus = 400, Status = 40000001, StatusText = "Gateway:ACCESS_DENIED:No privilege to this voice!" });
        await client.SayAsync(sessionId, AliyunHubKit.Question, offset);
        var error = await client.ErrorAsync("tts-failed");

        Assert.False(error.Bool("retryable"));
        Assert.Contains("No privilege to this voice", error.Str("message"), StringComparison.Ordinal);
        Assert.Equal(1, _fake.Tokens.Issued); // not mistaken for a token problem
    }

    [Fact]
    public async Task ATtsOutageIsRetryableWithoutAFallbackAndSpokenByEspeakWithOne()
    {
        using (var factory = AliyunHubKit.Factory(_fake))
        {
            await using var client = await factory.ConnectAsync("wang");
            var sessionId = await client.StartZhAsync();
            EnqueueTtsOutage();

            await client.SayAsync(sessionId, AliyunHubKit.Question);

            Assert.True((await client.ErrorAsync("tts-failed")).Bool("retryable"));
        }

        using (var factory = AliyunHubKit.Factory(_fake, extra: ("Tts:Fallback", "espeak")))
        {
            await using var client = await factory.ConnectAsync("wang");
            var sessionId = await client.StartZhAsync();
            EnqueueTtsOutage();

            await client.SayAsync(sessionId, AliyunHubKit.Question);
            var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

            Assert.Equal("audio/wav", avatar.Str("mimeType"));
            Assert.Empty(client.EventsNamed("error"));
        }
    }

    [Theory]
    [InlineData("Stt:Fallback", "nope", "Stt:Fallback 'nope' is not a provider")]
    [InlineData("Tts:Fallback", "nope", "Tts:Fallback 'nope' is not a provider")]
    [InlineData("Tts:FallbackCooldown", "-00:00:01", "Tts:FallbackCooldown must not be negative")]
    public void AMisconfiguredFallbackStopsTheStart(string key, string value, string expected)
    {
        using var factory = AliyunHubKit.Factory(_fake, extra: [("Tts:Fallback", "espeak"), (key, value)]);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(expected, Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnUsRecognitionOutageFallsBackToPocketSphinx()
    {
        using var factory = AliyunHubKit.Factory(_fake, extra: [("Stt:ByLanguage:en-US", "aliyun"), ("Stt:Fallback", "pocketsphinx")]);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync(language: "en-US");
        for (var i = 0; i < 3; i++)
        {
            _fake.Nls.TranscriberFaults.Enqueue(NlsFault.Http(502));
        }

        await client.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16());
        await client.CommitAsync(sessionId);
        var final = await client.FinalAsync(1);

        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, final.Str("text")!) <= 0.5, final.Str("text"));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task AfterAnOutageTheNextUtterancesGoStraightToPocketSphinxWithoutTryingAliyunAgain()
    {
        // The cooldown's end is held by FallbackBreakerTests on a fake clock; here it is long enough for any machine.
        using var factory = AliyunHubKit.Factory(_fake, extra: [("Stt:ByLanguage:en-US", "aliyun"), ("Stt:Fallback", "pocketsphinx"), ("Stt:FallbackCooldown", "00:10:00")]);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync(language: "en-US");
        for (var i = 0; i < 3; i++)
        {
            _fake.Nls.TranscriberFaults.Enqueue(NlsFault.Http(502));
        }

        var offset = await client.StreamAsync(sessionId, TestAudio.IllDisposed.Pcm16());
        await client.CommitAsync(sessionId);
        await client.FinalAsync(1);
        var handshakesAfterOutage = _fake.Nls.Events.Count;
        await client.StreamAsync(sessionId, TestAudio.Amiable.Pcm16(), startOffset: offset);
        await client.CommitAsync(sessionId);
        var inCooldown = await client.FinalAsync(2);

        Assert.Equal(0, _fake.Nls.TasksStarted); // Aliyun was not tried again
        Assert.Empty(_fake.Nls.TranscriberFaults); // the outage used up its three tries, and nothing after it tried
        Assert.True(TestAudio.WordErrorRate(TestAudio.Amiable.Reference, inCooldown.Str("text")!) <= 0.5, inCooldown.Str("text")); // PocketSphinx heard it
        Assert.Equal(handshakesAfterOutage, _fake.Nls.Events.Count);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task AnOssFailureIsAStorageErrorAndTheTurnGoesOn()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        for (var i = 0; i < 3; i++)
        {
            _fake.Oss.PutFailures.Enqueue(503); // every try of the user's recording
        }

        await client.SayAsync(sessionId, AliyunHubKit.Question);
        var error = await client.ErrorAsync("storage-failed");
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.True(error.Bool("retryable"));
        Assert.StartsWith(_fake.Oss.Url, avatar.Str("audioUrl"), StringComparison.Ordinal);
    }

    private void EnqueueTtsOutage()
    {
        for (var i = 0; i < 3; i++)
        {
            _fake.Nls.TtsFaults.Enqueue(NlsFault.Http(503));
        }
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);
}
