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
        var messages = prompt.Build(turn);
        await using var stream = await FirstTokenAsync(messages, cancellationToken);

        yield return stream.First;
        while (await stream.NextAsync(cancellationToken) is { } delta)
        {
            yield return delta;
        }

        if (stream.OutputTokens is { } output)
        {
            LogUsage(sessionId, settings.Model, turn.Turn, stream.InputTokens ?? 0, output);
        }
    }

    public void Commit(AiTurn turn, string reply) => prompt.Commit(turn, reply);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The attempts, with their retries, up to the first text delta, all within
    /// <see cref="ChatTimeouts.FirstToken"/>. The stream returned no longer depends on that deadline.</summary>
    private async ValueTask<ReplyStream> FirstTokenAsync(IReadOnlyList<PromptMessage> messages, CancellationToken cancellationToken)
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
    private async ValueTask<ReplyStream> OpenAsync(IReadOnlyList<PromptMessage> messages, CancellationToken caller, CancellationToken cancellationToken)
    {
        var idle = CancellationTokenSource.CreateLinkedTokenSource(caller);
        using var attempt = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), idle);
        idle.CancelAfter(timeouts.Attempt);
        ChatCompletionStream? updates = null;
        try
        {
            updates = await ChatCompletionStream.OpenAsync(client, settings, messages, settings.MaxOutputTokens, idle.Token);
            var count = 0;
            string? finish = null;
            while (await updates.MoveNextAsync())
            {
                count++;
                var update = updates.Current;
                if (update.Text is { Length: > 0 } text)
                {
                    idle.CancelAfter(timeouts.Stall);
                    return new ReplyStream(this, updates, idle, text, update);
                }

                idle.CancelAfter(timeouts.Attempt);
                finish = update.FinishReason ?? finish;
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

    private static async ValueTask DisposeAsync(ChatCompletionStream? updates, CancellationTokenSource idle)
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
        ChatCompletionStream updates,
        CancellationTokenSource idle,
        string first,
        ChatStreamEvent firstEvent) : IAsyncDisposable
    {
        private int _deltas = 1;
        private bool _finished = firstEvent.FinishReason is not null;

        public string First => first;

        public int? InputTokens { get; private set; } = firstEvent.InputTokens;

        public int? OutputTokens { get; private set; } = firstEvent.OutputTokens;

        /// <summary>The next non-empty delta, or null at the end of the stream. A stream that ends without a finish
        /// reason was cut short (a dropped connection can look like a clean end to the SSE reader). Once per token:
        /// the pooled builder reuses the state machines of the calls that wait.</summary>
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<string?> NextAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (await updates.MoveNextAsync())
                {
                    idle.CancelAfter(owner.StallTimeout);
                    var update = updates.Current;
                    InputTokens = update.InputTokens ?? InputTokens;
                    OutputTokens = update.OutputTokens ?? OutputTokens;
                    _finished |= update.FinishReason is not null;
                    if (update.Text is { Length: > 0 } text)
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
