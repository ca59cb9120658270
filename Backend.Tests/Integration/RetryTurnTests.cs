using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

public sealed class RetryTurnTests : IDisposable
{
    private readonly FlakyAi _ai = new();
    private readonly RoleplayHubFactory _factory;

    public RetryTurnTests() =>
        _factory = new RoleplayHubFactory().WithEchoSpeech().WithServices(services =>
        {
            services.RemoveAll<IRoleplayAi>();
            services.AddSingleton<IRoleplayAi>(_ai);
        });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AFailedReplyKeepsTheTranscriptAndTheTurnCanBeRetried()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();
        _ai.FailuresLeft = 1;

        await client.StreamAsync(sessionId, EchoSpeechToText.Speak("what is the price"));
        await client.CommitAsync(sessionId);
        var failed = await client.WaitForEventAsync("error", e => e.Str("code") == "ai-failed");
        var final = client.EventsNamed("transcription").Single(e => e.Bool("isFinal"));
        await client.InvokeAsync("retry-turn", new { sessionId });
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        await client.InvokeAsync("end-session", new { sessionId });
        using var admin = _factory.CreateClient("root", "admin");
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var turn = Assert.Single((await admin.DetailAsync(summary.Str("id")!)).GetProperty("turns").EnumerateArray(), t => t.Int("turn") == 1);

        Assert.True(failed.Bool("retryable"));
        Assert.Equal("what is the price", final.Str("text"));
        Assert.Equal(1, reply.Int("turnCount"));
        Assert.Single(client.EventsNamed("transcription"), e => e.Bool("isFinal"));
        Assert.Equal(reply.Str("text"), turn.Str("aiText")); // the retried turn replaced the failed record in the history
    }

    [Fact]
    public async Task RetryingWhenNothingFailedIsExplained()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var sessionId = await client.StartAsync();

        await client.InvokeAsync("retry-turn", new { sessionId });
        var error = await client.WaitForEventAsync("error");

        Assert.Equal("invalid-request", error.Str("code"));
        Assert.Contains("no failed turn", error.Str("message"));
    }

    /// <summary>The scripted engine, failing on demand like a provider that is down.</summary>
    private sealed class FlakyAi : IRoleplayAi
    {
        private readonly ScriptedRoleplayAi _inner = new();

        public int FailuresLeft { get; set; }

        public string Name => "scripted";

        public IRoleplayConversation StartConversation(ConversationSetup setup) => new Conversation(this, _inner.StartConversation(setup));

        private sealed class Conversation(FlakyAi owner, IRoleplayConversation inner) : IRoleplayConversation
        {
            public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
            {
                if (owner.FailuresLeft > 0)
                {
                    owner.FailuresLeft--;
                    throw new AiProviderException("the model is overloaded (503)", retryable: true);
                }

                await foreach (var delta in inner.ReplyAsync(turn, cancellationToken))
                {
                    yield return delta;
                }
            }

            public void Commit(AiTurn turn, string reply) => inner.Commit(turn, reply);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}

public sealed class InternalErrorTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new RoleplayHubFactory().WithServices(services =>
    {
        services.RemoveAll<IRoleplayAi>();
        services.AddSingleton<IRoleplayAi, BrokenAi>();
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ABugBecomesAnInternalErrorAndTheConnectionSurvives()
    {
        await using var client = await _factory.ConnectAsync("alice");

        var refusal = await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "internal-error");
        await client.RefusedAsync("audio-chunk", new { sessionId = "none", audioData = "AAAA" }, "session-not-found");
        for (var i = 0; i < 3; i++) // no slot leaked: the per-user limit (3) would refuse these otherwise
        {
            await client.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "internal-error");
        }

        Assert.DoesNotContain("NullReference", refusal.Message); // nothing internal reaches the client
        Assert.Null(client.ClosedReason);
    }

    private sealed class BrokenAi : IRoleplayAi
    {
        public string Name => "scripted";

        public IRoleplayConversation StartConversation(ConversationSetup setup) => throw new NullReferenceException("a bug");
    }
}
