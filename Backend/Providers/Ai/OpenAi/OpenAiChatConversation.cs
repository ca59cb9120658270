using System.Runtime.CompilerServices;
using OpenAI.Chat;
using Polly;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// One session's conversation with an OpenAI-compatible model. Each reply is a streaming chat completion whose text
/// deltas are yielded as they arrive. Opening the stream, up to its first text, runs inside the retry pipeline, and all
/// of it within <see cref="ChatTimeouts.FirstToken"/> (each attempt within <see cref="ChatTimeouts.Attempt"/>); once a
/// delta has been yielded the caller owns it, so a failure after that — a silence of <see cref="ChatTimeouts.Stall"/>
/// between tokens, a dropped stream — is reported, never retried (the caller keeps what it has). Every timeout fails
/// as retryable; the caller's token still ends everything.
/// </summary>
internal sealed partial class OpenAiChatConversation(
    string sessionId,
    ChatClient client,
    ChatModelSettings settings,
    ChatPrompt prompt,
    ResiliencePipeline retry,
    ChatTimeouts timeouts,
    ILogger logger) : IRoleplayConversation
{
    private readonly ChatFailures _failures = new(settings, timeouts);

    private TimeSpan StallTimeout => timeouts.Stall;

    public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var messages = prompt.Build(turn).Select(ToSdk).ToList();
        await using var stream = await FirstTokenAsync(messages, cancellationToken);

        yield return stream.First;
        while (await stream.NextAsync(cancellationToken) is { } delta)
        {
            yield return delta;
        }

        if (stream.Usage is { } usage)
        {
            LogUsage(sessionId, settings.Model, turn.Turn, usage.InputTokenCount, usage.OutputTokenCount);
        }
    }

    public void Commit(AiTurn turn, string reply) => prompt.Commit(turn, reply);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The attempts, with their retries, up to the first text delta, all within
    /// <see cref="ChatTimeouts.FirstToken"/>. The stream returned no longer depends on that deadline.</summary>
    private async ValueTask<ReplyStream> FirstTokenAsync(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeouts.FirstToken);
        try
        {
            return await retry.ExecuteAsync(
                static (state, token) => state.Self.OpenAsync(state.Messages, state.Caller, token),
                (Self: this, Messages: messages, Caller: cancellationToken),
                deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var failure = _failures.NoFirstToken();
            LogAttemptFailed(sessionId, failure.Retryable, "before the first token",
                $"{settings.ConfigPath}, model {settings.Model} at {settings.Endpoint.GetLeftPart(UriPartial.Path)} (nothing within {OpenAiChatOptions.Section}:FirstTokenTimeout)");
            throw failure;
        }
    }

    /// <summary>One attempt: sends the request and reads up to the first text delta. It runs under the first-token
    /// deadline (<paramref name="cancellationToken"/>); the stream it returns is bound to the caller's token only.</summary>
    private async ValueTask<ReplyStream> OpenAsync(List<ChatMessage> messages, CancellationToken caller, CancellationToken cancellationToken)
    {
        var idle = CancellationTokenSource.CreateLinkedTokenSource(caller);
        using var attempt = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), idle);
        idle.CancelAfter(timeouts.Attempt);
        IAsyncEnumerator<StreamingChatCompletionUpdate>? updates = null;
        try
        {
            updates = client.CompleteChatStreamingAsync(messages, RequestOptions(), idle.Token).GetAsyncEnumerator(idle.Token);
            var count = 0;
            string? finish = null;
            while (await updates.MoveNextAsync())
            {
                count++;
                var text = ReplyStream.TextOf(updates.Current);
                if (text.Length > 0)
                {
                    idle.CancelAfter(timeouts.Stall);
                    return new ReplyStream(this, updates, idle, text, finished: updates.Current.FinishReason is not null);
                }

                idle.CancelAfter(timeouts.Attempt);

                finish = updates.Current.FinishReason is { } reason ? ReasonName(reason) : finish;
            }

            throw count == 0 ? _failures.Malformed() : _failures.Blocked(finish ?? "none");
        }
        catch (Exception ex) when (Failure(ex, cancellationToken, count: -1) is { } failure)
        {
            await DisposeAsync(updates, idle);
            throw failure;
        }
        catch
        {
            await DisposeAsync(updates, idle);
            throw;
        }
    }

    /// <summary>Classifies a failure and logs what operators need to fix it; null for the caller's cancellation.</summary>
    private AiProviderException? Failure(Exception error, CancellationToken cancellationToken, int count)
    {
        var failure = _failures.Classify(error, cancellationToken, started: count > 0);
        if (failure is not null)
        {
            LogAttemptFailed(sessionId, failure.Retryable, count < 0 ? "before the first token" : $"after {count} deltas", _failures.Describe(error));
        }

        return failure;
    }

    private ChatCompletionOptions RequestOptions()
    {
        var options = new ChatCompletionOptions { Temperature = settings.Temperature };
        switch (settings.MaxTokensField)
        {
            case "max_completion_tokens":
                options.MaxOutputTokenCount = settings.MaxOutputTokens;
                break;
            case "max_tokens":
                // The SDK only writes max_completion_tokens, which DeepSeek, DashScope, GLM and older Ollama ignore.
                // Patch is the SDK's way to send a field it does not model; it is flagged as subject to change.
#pragma warning disable SCME0001
                options.Patch.Set("$.max_tokens"u8, settings.MaxOutputTokens);
#pragma warning restore SCME0001
                break;
        }

        return options;
    }

    private static ChatMessage ToSdk(PromptMessage message) => message.Role switch
    {
        PromptRole.System => new SystemChatMessage(message.Text),
        PromptRole.Assistant => new AssistantChatMessage(message.Text),
        _ => new UserChatMessage(message.Text),
    };

    private static string ReasonName(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.Stop => "stop",
        _ => reason.ToString(),
    };

    private static async ValueTask DisposeAsync(IAsyncEnumerator<StreamingChatCompletionUpdate>? updates, CancellationTokenSource idle)
    {
        try
        {
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException)
        {
            // The response is being abandoned anyway.
        }
        finally
        {
            idle.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: LLM call failed {When} (retryable: {Retryable}): {Diagnostic}")]
    private partial void LogAttemptFailed(string sessionId, bool retryable, string when, string diagnostic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: {Model} answered turn {Turn} with {InputTokens} input and {OutputTokens} output tokens")]
    private partial void LogUsage(string sessionId, string model, int turn, int inputTokens, int outputTokens);

    /// <summary>An open reply stream after its first text: the rest of the deltas, each within the idle timeout.</summary>
    private sealed class ReplyStream(
        OpenAiChatConversation owner,
        IAsyncEnumerator<StreamingChatCompletionUpdate> updates,
        CancellationTokenSource idle,
        string first,
        bool finished) : IAsyncDisposable
    {
        private int _deltas = 1;
        private bool _finished = finished;

        public string First => first;

        public ChatTokenUsage? Usage { get; private set; }

        public static string TextOf(StreamingChatCompletionUpdate update) =>
            update.ContentUpdate.Count switch
            {
                0 => "",
                1 => update.ContentUpdate[0].Text ?? "",
                _ => string.Concat(update.ContentUpdate.Select(part => part.Text)),
            };

        /// <summary>The next non-empty delta, or null at the end of the stream. A stream that ends without a finish
        /// reason was cut short (a dropped connection can look like a clean end to the SSE reader).</summary>
        public async ValueTask<string?> NextAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (await updates.MoveNextAsync())
                {
                    idle.CancelAfter(owner.StallTimeout);
                    Usage = updates.Current.Usage ?? Usage;
                    _finished |= updates.Current.FinishReason is not null;
                    var text = TextOf(updates.Current);
                    if (text.Length > 0)
                    {
                        _deltas++;
                        return text;
                    }
                }

                return _finished ? null : throw owner._failures.EndedEarly();
            }
            catch (Exception ex) when (owner.Failure(ex, cancellationToken, _deltas) is { } failure)
            {
                throw failure;
            }
        }

        public ValueTask DisposeAsync() => OpenAiChatConversation.DisposeAsync(updates, idle);
    }
}
