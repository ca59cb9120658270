using System.Text;
using System.Text.Json;

namespace RoleplayHub.Fakes.Chat;

/// <summary>OpenAI's streamed <c>chat.completion.chunk</c>s as server-sent events: written one way for the benchmark's
/// chat fake (<see cref="FakeChatCompletions"/>) and the tests' scripted one.</summary>
public static class ChatChunks
{
    /// <summary>A chunk whose only choice carries <paramref name="content"/> (null: none) and
    /// <paramref name="finish"/>, the finish reason (null until the last).</summary>
    public static string Chunk(string? content, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "fake-model",
        choices = new[] { new { index = 0, delta = new { content }, finish_reason = finish } },
    });

    /// <summary>One server-sent event carrying <paramref name="data"/>.</summary>
    public static byte[] Event(string data) => Encoding.UTF8.GetBytes("data: " + data + "\n\n");
}
