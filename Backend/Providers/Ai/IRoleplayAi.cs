using RoleplayHub.Scenarios;

namespace RoleplayHub.Providers.Ai;

/// <summary>The persona's brain: starts one conversation per session and answers each user turn.</summary>
public interface IRoleplayAi
{
    string Name { get; }

    IRoleplayConversation StartConversation(ConversationSetup setup);
}

public sealed record ConversationSetup(string SessionId, Scenario Scenario, ScenarioVariant Variant, string? ModelProfile);

/// <summary>One session's conversation state. Used by one worker; never concurrently.</summary>
public interface IRoleplayConversation : IAsyncDisposable
{
    /// <summary>
    /// Streams the persona's reply to the user's final transcript as text deltas (a provider without streaming
    /// yields the whole reply once). On the last turn (<see cref="AiTurn.IsLast"/>) the persona closes the drill.
    /// Failures throw <see cref="AiProviderException"/>.
    /// </summary>
    IAsyncEnumerable<string> ReplyAsync(AiTurn turn, CancellationToken cancellationToken);

    /// <summary>Records the exchange once the reply has been delivered, so the next turn sees it as history.</summary>
    void Commit(AiTurn turn, string reply);

    /// <summary>Replays an exchange a lost node completed (a session restored from the history), before any new turn:
    /// afterwards the conversation is as it was there. A model's conversation only needs the exchange as history.</summary>
    void Restore(AiTurn turn, string reply) => Commit(turn, reply);
}

public sealed record AiTurn(int Turn, int MaxTurns, string UserText)
{
    public bool IsLast => Turn >= MaxTurns;
}

public sealed class AiProviderException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;

    /// <summary>How long the provider asked us to wait before trying again (HTTP 429/503 <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
