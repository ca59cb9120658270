using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Whole turns through the hub with <c>Ai:Provider=openai</c> against a local OpenAI-compatible server.</summary>
public sealed class LlmHubTests : IAsyncLifetime
{
    private readonly RoleplayHubFactory _factory = new();
    private FakeChatServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeChatServer.StartAsync();
        _factory.WithEchoSpeech()
            .Setting("Ai:Provider", "openai")
            .Setting("Ai:OpenAi:BaseUrl", _server.BaseUrl)
            .Setting("Ai:OpenAi:ApiKey", "sk-hub-test")
            .Setting("Ai:OpenAi:Model", "hub-model")
            .Setting("Ai:OpenAi:MaxRetries", "1")
            .Setting("Ai:OpenAi:RetryDelay", "00:00:00.020")
            .Setting("Ai:Profiles:mini:Model", "mini-model");
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ATurnDeliversTheStreamedReplyAsAiResponseAndSpeaksIt()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        _server.Reply("Our budget ", "was cut, ", "so convince me.");

        var (reply, _) = await client.SayAsync(sessionId, "Good morning Linda, let us talk about the renewal", turn: 1, offset: 0);
        var spoken = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.Equal("Our budget was cut, so convince me.", reply.Str("text"));
        Assert.Equal(1, reply.Int("turnCount"));
        Assert.False(string.IsNullOrEmpty(spoken.Str("audioUrl")));
        var request = _server.Requests.Single();
        Assert.Equal("hub-model", request.Model);
        Assert.Contains("You are Linda Park", request.System, StringComparison.Ordinal);
        Assert.StartsWith("Hello, I'm Linda Park", request.Messages[2].Content, StringComparison.Ordinal); // the opening line
        Assert.Equal("Good morning Linda, let us talk about the renewal", request.Messages[^1].Content);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task TheReplyStreamsAsDeltasAndItsFirstSentenceIsSpokenWhileTheModelIsStillWriting()
    {
        _factory.Setting("Ai:DeltaInterval", "00:00:00"); // a delta per piece the model writes
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        var release = new TaskCompletionSource();
        _server.ReplyInTwoParts(["That price is far above ", "our budget this year. ", "And "], release.Task, ["the delivery dates ", "worry me too."]);

        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("Our price is one hundred thousand"));
        await client.CommitAsync(sessionId);
        var first = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Int("segment") == 0);
        var repliedEarly = client.EventsNamed("ai-response").Any(e => e.Int("turn") == 1);
        release.SetResult();
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var last = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.False(repliedEarly, "the first sentence was spoken before the reply was complete");
        Assert.Equal("That price is far above our budget this year.", first.Str("text"));
        Assert.False(first.Bool("isLast"));
        Assert.Equal("And the delivery dates worry me too.", last.Str("text"));
        Assert.Equal(1, last.Int("segment"));
        var deltas = client.EventsNamed("ai-response-delta").Where(e => e.Int("turn") == 1).ToList();
        Assert.Equal(Enumerable.Range(0, 5), deltas.Select(d => d.Int("index")));
        Assert.Equal(reply.Str("text"), string.Concat(deltas.Select(d => d.Str("text"))).Trim());
        Assert.Equal("That price is far above our budget this year. And the delivery dates worry me too.", reply.Str("text"));
        var timings = last.GetProperty("timings");
        Assert.InRange(timings.Int("transcriptMs"), 0, timings.Int("firstTokenMs"));
        Assert.InRange(timings.Int("firstTokenMs"), 0, timings.Int("firstAudioMs"));
        Assert.InRange(timings.Int("firstAudioMs"), 0, timings.Int("totalMs"));
        Assert.Equal(first.GetProperty("timings").Int("totalMs"), timings.Int("firstAudioMs"), tolerance: 1.0);
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task PiecesTheModelWritesWithinTheDeltaIntervalGoOutTogetherUntilASentenceIsHandedToTheVoice()
    {
        _factory.Setting("Ai:DeltaInterval", "00:00:01");
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        _server.Reply("That price ", "is far ", "above our budget. ", "And the ", "dates worry ", "me too.");

        var (reply, _) = await client.SayAsync(sessionId, "Our price is one hundred thousand", turn: 1, offset: 0);

        var deltas = client.EventsNamed("ai-response-delta").Where(e => e.Int("turn") == 1).ToList();
        // The splitter knows a sentence has ended when the next words come, so they go out with it.
        Assert.Equal(["That price ", "is far above our budget. And the ", "dates worry me too."], deltas.Select(d => d.Str("text")));
        Assert.Equal([0, 1, 2], deltas.Select(d => d.Int("index")));
        Assert.Equal("That price is far above our budget. And the dates worry me too.", reply.Str("text"));
    }

    [Theory]
    [InlineData(401, false, 1)]
    [InlineData(500, true, 2)]
    public async Task AProviderFailureIsAnAiFailedErrorAfterTheTranscriptAndTheSessionGoesOn(int status, bool retryable, int attempts)
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            _server.Fail(status);
        }

        _server.Reply("Let's continue.");

        var offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("What is your budget?"));
        await client.CommitAsync(sessionId);
        var transcript = await client.WaitForEventAsync("transcription", e => e.Int("turn") == 1 && e.Bool("isFinal"));
        var error = await client.WaitForEventAsync("error", e => e.Str("code") == "ai-failed");
        var requestsForTurn1 = _server.Requests.Count;

        var (next, _) = await client.SayAsync(sessionId, "Shall we go on?", turn: 2, offset: offset);

        Assert.Equal("What is your budget?", transcript.Str("text"));
        Assert.Equal(retryable, error.Bool("retryable"));
        Assert.Contains($"HTTP {status}", error.Str("message"), StringComparison.Ordinal);
        Assert.DoesNotContain("hub-model", error.Str("message"), StringComparison.Ordinal); // deployment details stay in the log
        Assert.Equal(attempts, requestsForTurn1);
        Assert.DoesNotContain(client.EventsNamed("ai-response"), e => e.Int("turn") == 1);
        Assert.Equal("Let's continue.", next.Str("text"));
    }

    [Fact]
    public async Task AHungModelFailsTheTurnWithinTheFirstTokenTimeoutAndRetryTurnRecovers()
    {
        _factory.Setting("Ai:OpenAi:FirstTokenTimeout", "00:00:00.800");
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        _server.Hang(); // one attempt: AttemptTimeout (10 s) is longer than the first-token time

        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("What is your budget?"));
        await client.CommitAsync(sessionId);
        var transcript = await client.WaitForEventAsync("transcription", e => e.Int("turn") == 1 && e.Bool("isFinal"));
        var error = await client.WaitForEventAsync("error", e => e.Str("code") == "ai-failed");
        var waited = error.GetProperty("timestamp").GetInt64() - transcript.GetProperty("timestamp").GetInt64();
        _server.Reply("Sorry, where were we?");
        await client.InvokeAsync("retry-turn", new { sessionId });
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.True(error.Bool("retryable"));
        Assert.Contains("did not start answering within 0.8 s", error.Str("message"), StringComparison.Ordinal);
        Assert.InRange(waited, 700, 5_000); // Ai:Timeout (30 s) never came into it
        Assert.Equal("Sorry, where were we?", reply.Str("text"));
        Assert.Equal(1, reply.Int("turnCount"));
    }

    [Fact]
    public async Task AReplyThatStallsMidStreamKeepsWhatWasWrittenSpeaksItToTheEndAndTheSessionGoesOn()
    {
        _factory.Setting("Ai:OpenAi:StallTimeout", "00:00:00.400");
        using var admin = _factory.CreateClient("root", "admin");
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        _server.StallAfter("That price is far above ", "our budget this year. ", "And the deli");

        var offset = await client.StreamAsync(sessionId, EchoSpeechToText.Speak("Our price is one hundred thousand"));
        await client.CommitAsync(sessionId);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var last = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        var cut = await client.WaitForEventAsync("error", e => e.Str("code") == "ai-cut");
        _server.Reply("Go on.");
        var (next, _) = await client.SayAsync(sessionId, "Then let us talk about delivery", turn: 2, offset: offset);
        var row = await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") == 3);
        var recorded = (await admin.DetailAsync(row.Str("id")!)).GetProperty("turns").EnumerateArray().Single(t => t.Int("turn") == 1);

        Assert.Equal("That price is far above our budget this year. And the deli", reply.Str("text"));
        Assert.True(reply.Bool("cut"));
        Assert.Equal(1, reply.Int("turnCount"));
        Assert.Equal("And the deli", last.Str("text"));
        Assert.False(cut.Bool("retryable"));
        Assert.Contains("stopped for 0.4 s in the middle of its reply", cut.Str("message"), StringComparison.Ordinal);
        Assert.False(next.TryGetProperty("cut", out _)); // present only on a cut reply
        Assert.Equal(2, next.Int("turnCount"));
        Assert.Equal("assistant", _server.Requests[^1].Messages[^2].Role);
        Assert.Equal("That price is far above our budget this year. And the deli…", _server.Requests[^1].Messages[^2].Content);
        Assert.Equal(reply.Str("text"), recorded.Str("aiText"));
        Assert.Equal(2, recorded.GetProperty("avatarSegments").GetArrayLength());
        Assert.Contains(recorded.GetProperty("errors").EnumerateArray(), e => e.GetString()!.StartsWith("ai-cut: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartSessionUsesTheModelProfileItNamesAndRefusesAnUnknownOne()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var started = await client.InvokeAsync("start-session", new { scenarioId = "history-storyteller", modelProfile = "mini" });
        var sessionId = started.Str("sessionId")!;
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));

        await client.SayAsync(sessionId, "Tell me about the Silk Road", turn: 1, offset: 0);
        var refusal = await client.RefusedAsync("start-session", new { scenarioId = "history-storyteller", modelProfile = "huge" }, "ai-failed");

        Assert.Equal("mini-model", _server.Requests.Single().Model);
        Assert.Contains("Old Master Bai", _server.Requests.Single().System, StringComparison.Ordinal);
        Assert.Contains("Configured profiles: mini", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadinessReportsTheLlmConfiguration()
    {
        using var http = _factory.CreateClient();

        var ready = await http.GetFromJsonAsync<JsonElement>("/readyz");

        var checks = ready.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("ready", checks["ai:openai"]);
        Assert.Empty(_server.Requests); // readiness never calls the model
    }

    [Fact]
    public void TheServiceRefusesToStartWithAnLlmButNoModel()
    {
        using var factory = new RoleplayHubFactory().Setting("Ai:Provider", "openai").Setting("Ai:OpenAi:BaseUrl", _server.BaseUrl);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Ai:OpenAi:Model is required when Ai:Provider=openai", Flatten(failure), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);
}
