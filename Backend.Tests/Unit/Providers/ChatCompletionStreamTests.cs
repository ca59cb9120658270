using System.Text;
using System.Text.Json;
using RoleplayHub.Providers.Ai.OpenAi;

namespace RoleplayHub.Tests.Unit.Providers;

/// <summary>What the reader takes from each event of a chat-completion stream.</summary>
public sealed class ChatCompletionStreamTests
{
    [Fact]
    public void AnEventGivesItsFirstChoicesTextAndFinishReasonAndSkipsEverythingElse()
    {
        var update = Read("""
            {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp",
             "choices":[{"index":0,"delta":{"role":"assistant","content":"Too \"expensive\" ","refusal":null,"tool_calls":[{"index":0}]},
                         "logprobs":{"content":[{"token":"Too","logprob":-0.1}]},"finish_reason":"length"},
                        {"index":1,"delta":{"content":"ignored"},"finish_reason":null}],
             "usage":null}
            """);

        Assert.Equal(new ChatStreamEvent("Too \"expensive\" ", "length", null, null, Done: false), update);
    }

    [Fact]
    public void TheUsageEventWithNoChoicesGivesTheTokenCounts()
    {
        var update = Read("""{"id":"c","choices":[],"usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49,"completion_tokens_details":{"reasoning_tokens":0}}}""");

        Assert.Equal(new ChatStreamEvent(null, null, 42, 7, Done: false), update);
    }

    [Fact]
    public void DoneEndsTheStream() => Assert.True(Read("[DONE]").Done);

    [Theory]
    [InlineData("""{"id": "c", "choices": [ {oops""")]
    [InlineData("""["not", "an", "event"]""")]
    [InlineData("""{"choices":[{"delta":{"content":"a"}}]""")]
    public void DataThatIsNotAChatCompletionEventIsAJsonError(string data) =>
        Assert.ThrowsAny<JsonException>(() => Read(data));

    private static ChatStreamEvent Read(string data) => ChatCompletionStream.Read(Encoding.UTF8.GetBytes(data));
}
