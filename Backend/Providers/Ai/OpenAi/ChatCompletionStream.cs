using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenAI.Chat;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>What one event of a chat-completion stream says: its text (<c>choices[0].delta.content</c>), its finish
/// reason and, in the last event, the token usage. <see cref="Done"/>: the <c>[DONE]</c> that ends the stream.</summary>
internal readonly record struct ChatStreamEvent(string? Text, string? FinishReason, int? InputTokens, int? OutputTokens, bool Done);

/// <summary>
/// One streaming chat completion: the request sent through the SDK's client (its endpoint, credentials, headers and
/// <see cref="ClientResultException"/> for an error status), the response read as server-sent events by the runtime's
/// <see cref="SseParser"/>, and of each event only the fields a reply needs.
/// </summary>
/// <remarks>
/// Not the SDK's typed updates: for a model that streams token by token they cost about 2 KB and several microseconds
/// per token (a model object, its content parts and a JSON document each), which is most of what such a session
/// allocates (docs/benchmarks.md). A JSON document that is not a chat-completion event throws
/// <see cref="JsonException"/>, as the SDK's reader did.
/// </remarks>
internal sealed class ChatCompletionStream : IAsyncDisposable
{
    private readonly PipelineResponse _response;
    private readonly IAsyncEnumerator<SseItem<ChatStreamEvent>> _events;

    private ChatCompletionStream(PipelineResponse response, CancellationToken cancellationToken)
    {
        _response = response;
        var body = response.ContentStream ?? throw new JsonException("The response has no body.");
        _events = SseParser.Create(body, static (_, data) => Read(data)).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    public ChatStreamEvent Current => _events.Current.Data;

    /// <summary>Sends the request; returns once the response's headers have arrived.</summary>
    public static async Task<ChatCompletionStream> OpenAsync(ChatClient client, ChatModelSettings settings, IReadOnlyList<PromptMessage> messages, int maxOutputTokens, CancellationToken cancellationToken)
    {
        // The SDK's own Accept header: asked for text/event-stream, System.ClientModel wraps the response in its
        // reconnecting event stream, which makes a string of every line before this reader sees it.
        var options = new RequestOptions { BufferResponse = false, CancellationToken = cancellationToken };
        var response = (await client.CompleteChatAsync(Request(settings, messages, maxOutputTokens), options)).GetRawResponse();
        try
        {
            return new ChatCompletionStream(response, cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The next event; false when the stream has ended (its <c>[DONE]</c>, or its end without one). Called
    /// once per token, and most calls wait for the network: the pooled builder reuses their state machines.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> MoveNextAsync() => await _events.MoveNextAsync() && !_events.Current.Data.Done;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _events.DisposeAsync();
        }
        finally
        {
            _response.Dispose();
        }
    }

    /// <summary>The request body: the model, the messages, a stream with its usage, and the sampling settings. The
    /// length limit goes in the field the server reads (<see cref="ChatModelSettings.MaxTokensField"/>): DeepSeek,
    /// DashScope, GLM and older Ollama ignore OpenAI's <c>max_completion_tokens</c> and read <c>max_tokens</c>.</summary>
    internal static BinaryContent Request(ChatModelSettings settings, IReadOnlyList<PromptMessage> messages, int maxOutputTokens)
    {
        var buffer = new ArrayBufferWriter<byte>(1_024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model"u8, settings.Model);
            json.WriteStartArray("messages"u8);
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role"u8, message.Role switch { PromptRole.System => "system"u8, PromptRole.Assistant => "assistant"u8, _ => "user"u8 });
                json.WriteString("content"u8, message.Text);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("stream"u8, true);
            json.WriteStartObject("stream_options"u8);
            json.WriteBoolean("include_usage"u8, true);
            json.WriteEndObject();
            if (settings.Temperature is { } temperature)
            {
                json.WriteNumber("temperature"u8, temperature);
            }

            json.WriteNumber(settings.MaxTokensField == "max_tokens" ? "max_tokens"u8 : "max_completion_tokens"u8, maxOutputTokens);
            json.WriteEndObject();
        }

        return BinaryContent.Create(new BinaryData(buffer.WrittenMemory));
    }

    /// <summary>One event's data: <c>[DONE]</c>, or a chunk whose first choice's text and finish reason, and whose
    /// usage, are read; everything else in it is skipped.</summary>
    internal static ChatStreamEvent Read(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return new ChatStreamEvent(null, null, null, null, Done: true);
        }

        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A chat-completion event is a JSON object, not {reader.TokenType}.");
        }

        string? text = null, finish = null;
        int? input = null, output = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadChoice(ref reader, ref text, ref finish);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip(); // further choices: one was asked for
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadUsage(ref reader, ref input, ref output);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"A chat-completion event ended at {reader.TokenType}, not at the end of its object.");
        }

        return new ChatStreamEvent(text, finish, input, output, Done: false);
    }

    private static void ReadChoice(ref Utf8JsonReader reader, ref string? text, ref string? finish)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isContent = reader.ValueTextEquals("content"u8);
                    reader.Read();
                    if (isContent && reader.TokenType == JsonTokenType.String)
                    {
                        text = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finish = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadUsage(ref Utf8JsonReader reader, ref int? input, ref int? output)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("prompt_tokens"u8) ? 1 : reader.ValueTextEquals("completion_tokens"u8) ? 2 : 0;
            reader.Read();
            if (field == 0 || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var count))
            {
                reader.Skip();
            }
            else if (field == 1)
            {
                input = count;
            }
            else
            {
                output = count;
            }
        }
    }
}
