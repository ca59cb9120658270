using System.Diagnostics;
using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.OpenAi;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Unit;

namespace RoleplayHub.Tests.Integration;

/// <summary>The OpenAI-compatible provider against a local server: what it sends, and how it fails and retries.</summary>
public sealed class OpenAiChatProviderTests : IAsyncLifetime
{
    private const string Key = "sk-test-secret";
    private static readonly Scenario Procurement = ScriptedEngineTests.Load("procurement-price");

    private readonly ListLogger<OpenAiChatRoleplayAi> _log = new();
    private FakeChatServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TheRequestCarriesModelSystemPromptPersonaLanguageAndTheHistoryInOrder()
    {
        using var ai = Provider(o => o.Temperature = 0.6f);
        var variant = Procurement.Variants["en-US"];
        var conversation = ai.StartConversation(new ConversationSetup("s1", Procurement, variant, null));
        conversation.Commit(new AiTurn(0, 8, ""), variant.OpeningLine);
        _server.Reply("Hello. ", "Let's be quick.").Reply("Your price ", "is too high ", "for us.");

        var first = string.Concat(await CollectAsync(conversation, new AiTurn(1, 8, "Good morning Linda")));
        conversation.Commit(new AiTurn(1, 8, "Good morning Linda"), first);
        var deltas = await CollectAsync(conversation, new AiTurn(2, 8, "Our price is 50,000 a year"));

        Assert.Equal(["Your price ", "is too high ", "for us."], deltas);
        var request = _server.Requests[1];
        Assert.Equal("test-model", request.Model);
        Assert.Equal("Bearer " + Key, request.Authorization);
        Assert.True(request.Body.GetProperty("stream").GetBoolean());
        Assert.Equal(300, request.Body.GetProperty("max_tokens").GetInt32());
        Assert.False(request.Body.TryGetProperty("max_completion_tokens", out _));
        Assert.Equal(0.6, request.Body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user"], request.Messages.Select(m => m.Role));
        Assert.StartsWith(variant.SystemPrompt, request.System, StringComparison.Ordinal);
        Assert.Contains("You are Linda Park, Procurement manager, Huaxin Manufacturing.", request.System, StringComparison.Ordinal);
        Assert.Contains("Always answer in English (United States) (en-US)", request.System, StringComparison.Ordinal);
        Assert.Contains("this is exchange 2", request.System, StringComparison.Ordinal);
        Assert.DoesNotContain("last exchange", request.System, StringComparison.Ordinal);
        Assert.Equal(variant.OpeningLine, request.Messages[2].Content);
        Assert.Equal("Good morning Linda", request.Messages[3].Content);
        Assert.Equal("Hello. Let's be quick.", request.Messages[4].Content);
        Assert.Equal("Our price is 50,000 a year", request.Messages[5].Content);
    }

    [Fact]
    public async Task AChineseSessionIsToldToAnswerInChineseAndTheLastTurnToClose()
    {
        using var ai = Provider(o => o.MaxTokensField = "max_completion_tokens");
        var conversation = ai.StartConversation(new ConversationSetup("s2", Procurement, Procurement.Variants["zh-CN"], null));

        await CollectAsync(conversation, new AiTurn(8, 8, "我们下周签合同吧"));

        var request = _server.Requests.Single();
        Assert.Contains("(zh-CN)", request.System, StringComparison.Ordinal);
        Assert.Contains("请始终用简体中文回答", request.System, StringComparison.Ordinal);
        Assert.Contains("This is the last exchange", request.System, StringComparison.Ordinal);
        Assert.Equal(300, request.Body.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(request.Body.TryGetProperty("max_tokens", out _));
        Assert.False(request.Body.TryGetProperty("temperature", out _));
    }

    [Fact]
    public async Task AModelProfileSwitchesTheModelPerSessionAndAnUnknownOneIsRefused()
    {
        using var ai = Provider(o => o.Profiles["mini"] = new OpenAiModelProfile { Model = "mini-model", MaxOutputTokens = 120 });

        await CollectAsync(ai.StartConversation(Setup("MINI")), new AiTurn(1, 8, "hi"));
        await CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi"));
        var unknown = Assert.Throws<AiProviderException>(() => ai.StartConversation(Setup("huge")));

        Assert.Equal(["mini-model", "test-model"], _server.Requests.Select(r => r.Model));
        Assert.Equal(120, _server.Requests[0].Body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("Bearer " + Key, _server.Requests[0].Authorization); // the key falls back to Ai:OpenAi
        Assert.False(unknown.Retryable);
        Assert.Contains("Unknown modelProfile 'huge'. Configured profiles: mini.", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A401IsReportedAtOnceAsNotRetryableAndWithoutTheKey()
    {
        using var ai = Provider();
        _server.Fail(401, $"Incorrect API key provided: {Key}.");

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.False(failure.Retryable);
        Assert.Single(_server.Requests);
        Assert.Equal("The language model refused the service's credentials (HTTP 401); an administrator needs to check the AI configuration.", failure.Message);
        var logged = Assert.Single(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal));
        Assert.Contains("Ai:OpenAi, model test-model at http://127.0.0.1", logged, StringComparison.Ordinal);
        Assert.Contains("check Ai:OpenAi:ApiKey", logged, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided: ***", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, string.Join("\n", _log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A429IsRetriedAfterItsRetryAfterAndThenSucceeds()
    {
        using var ai = Provider();
        _server.Fail(429, "Rate limit reached", retryAfter: "1").Reply("Now ", "it works.");

        var reply = string.Concat(await CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.Equal("Now it works.", reply);
        Assert.Equal(2, _server.Requests.Count);
        var waited = Stopwatch.GetElapsedTime(_server.Requests[0].Timestamp, _server.Requests[1].Timestamp);
        Assert.True(waited >= TimeSpan.FromMilliseconds(950), $"retried after {waited.TotalMilliseconds:0} ms, before the 1 s Retry-After");
    }

    [Fact]
    public async Task A429AskingForALongerWaitThanTheLongestBackoffFailsRetryableWithoutWaiting()
    {
        using var ai = Provider();
        _server.Fail(429, "Quota exceeded", retryAfter: "120");

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.True(failure.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(120), failure.RetryAfter);
        Assert.Equal("The language model is rate-limited (HTTP 429); try again in 120 s.", failure.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithBackoffUntilTheServerRecovers()
    {
        using var ai = Provider();
        _server.Fail(500).Fail(503).Reply("Back again.");

        var reply = string.Concat(await CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.Equal("Back again.", reply);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task PersistentServerErrorsExhaustTheRetriesAndStayRetryable()
    {
        using var ai = Provider();
        _server.Fail(500).Fail(500).Fail(500).Reply("too late");

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.True(failure.Retryable);
        Assert.Contains("HTTP 500", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Requests.Count); // the first attempt and MaxRetries = 2
    }

    [Fact]
    public async Task ASilentServerTimesOutAndIsRetried()
    {
        using var ai = Provider(o =>
        {
            // Long enough for the retry's request to reach the fake server on a loaded machine: it records a request
            // once it has read its body, and a client that gave up sooner never finished sending it.
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetries = 1;
        });
        _server.Hang().Hang();

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.True(failure.Retryable);
        Assert.Equal("The language model sent nothing for 1 s.", failure.Message);
        Assert.Contains(_log.Messages, m => m.Contains("no data within Ai:OpenAi:AttemptTimeout", StringComparison.Ordinal));
        await Poll.UntilAsync(() => _server.Requests.Count >= 2, TimeSpan.FromSeconds(10)); // the server may read the last body after the client gave up

        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("html")]
    public async Task AResponseThatIsNotAChatCompletionStreamIsNotRetryable(string kind)
    {
        using var ai = Provider();
        _ = kind == "html" ? _server.NotAStream() : _server.Malformed();

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.False(failure.Retryable);
        Assert.StartsWith("The language model's answer was not a chat-completion stream", failure.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Messages, m => m.Contains("is Ai:OpenAi:BaseUrl an OpenAI-compatible /v1 endpoint?", StringComparison.Ordinal));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AHungModelFailsAtTheFirstTokenTimeoutWhateverItsRetriesWouldHaveAllowed()
    {
        // Ten retries of 300 ms hung attempts (with their backoff) would take over 3 s; the first-token time ends the
        // turn after 2 s, long enough for a retry even on a loaded machine.
        const int maxRetries = 10;
        using var ai = Provider(o =>
        {
            o.FirstTokenTimeout = TimeSpan.FromSeconds(2);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = maxRetries;
        });
        for (var i = 0; i <= maxRetries; i++)
        {
            _server.Hang();
        }

        var started = Stopwatch.GetTimestamp();

        var failure = await Assert.ThrowsAsync<AiProviderException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi")));

        Assert.True(failure.Retryable);
        Assert.Equal("The language model did not start answering within 2 s.", failure.Message);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromMilliseconds(1_950), TimeSpan.FromSeconds(8));
        Assert.InRange(_server.Requests.Count, 2, maxRetries); // retried while the first-token time lasted, and stopped before the retries ran out
        Assert.Contains(_log.Messages, m => m.Contains("nothing within Ai:OpenAi:FirstTokenTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASlowButSteadyReplyIsNotCutByTheFirstTokenTimeout()
    {
        using var ai = Provider(o =>
        {
            o.FirstTokenTimeout = TimeSpan.FromMilliseconds(400);
            o.StallTimeout = TimeSpan.FromSeconds(5);
        });
        var release = Task.Delay(700);
        _server.ReplyInTwoParts(["Well, "], release, ["let me think."]);

        var deltas = await CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi"));

        Assert.Equal(["Well, ", "let me think."], deltas); // the deadline ends with the first token
    }

    [Theory]
    [InlineData("malformed", false)]
    [InlineData("stall", true)]
    [InlineData("drop", true)]
    [InlineData("unfinished", true)]
    public async Task AFailureAfterTheFirstDeltaIsReportedButNeverRetried(string kind, bool retryable)
    {
        // Long enough that a test process busy with others still reads both deltas before the stall is called: only the
        // stall case waits it out, the others fail on their own.
        using var ai = Provider(o => o.StallTimeout = TimeSpan.FromSeconds(kind == "stall" ? 1.5 : 10));
        _ = kind switch
        {
            "stall" => _server.StallAfter("Well, ", "let me "),
            "drop" => _server.DropAfter("Well, ", "let me "),
            "unfinished" => _server.EndUnfinished("Well, ", "let me "),
            _ => _server.Malformed("Well, ", "let me "),
        };
        var received = new List<string>();

        var failure = await Assert.ThrowsAsync<AiProviderException>(async () =>
        {
            await foreach (var delta in ai.StartConversation(Setup(null)).ReplyAsync(new AiTurn(1, 8, "hi"), CancellationToken.None))
            {
                received.Add(delta);
            }
        });

        Assert.Equal(["Well, ", "let me "], received);
        Assert.Equal(retryable, failure.Retryable);
        Assert.Single(_server.Requests);
        if (kind == "stall")
        {
            Assert.Equal("The language model stopped for 1.5 s in the middle of its reply.", failure.Message);
        }
    }

    [Fact]
    public async Task TheCallersCancellationIsNotReportedAsAProviderFailure()
    {
        using var ai = Provider();
        _server.Hang();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CollectAsync(ai.StartConversation(Setup(null)), new AiTurn(1, 8, "hi"), cancel.Token));

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ReadinessChecksConfigurationOnlyAndWantsAKeyForCloudEndpoints()
    {
        using var local = Provider(o => o.ApiKey = null);
        using var cloud = Provider(o =>
        {
            o.ApiKey = null;
            o.Profiles["mini"] = new OpenAiModelProfile { BaseUrl = "https://dashscope.aliyuncs.com/compatible-mode/v1", Model = "qwen-turbo" };
        });

        var localProblem = await local.CheckAsync(CancellationToken.None);
        var cloudProblem = await cloud.CheckAsync(CancellationToken.None);

        Assert.Null(localProblem);
        Assert.Equal("Ai:Profiles:mini:ApiKey is empty, and dashscope.aliyuncs.com is not a local server, so it will refuse every request.", cloudProblem);
        Assert.Empty(_server.Requests);
    }

    private OpenAiChatRoleplayAi Provider(Action<OpenAiChatOptions>? configure = null)
    {
        var options = new OpenAiChatOptions
        {
            BaseUrl = _server.BaseUrl,
            ApiKey = Key,
            Model = "test-model",
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            AttemptTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return new OpenAiChatRoleplayAi(Options.Create(options), TimeProvider.System, _log);
    }

    private static ConversationSetup Setup(string? profile) => new("session", Procurement, Procurement.Variants["en-US"], profile);

    private static async Task<List<string>> CollectAsync(IRoleplayConversation conversation, AiTurn turn, CancellationToken cancellationToken = default)
    {
        var deltas = new List<string>();
        await foreach (var delta in conversation.ReplyAsync(turn, cancellationToken))
        {
            deltas.Add(delta);
        }

        return deltas;
    }
}
