using System.Runtime.CompilerServices;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Providers.Faults;

/// <summary>The configured AI with injected faults (<see cref="FaultInjector"/>, stage <c>ai</c>): a late reply, a
/// retryable failure before the first token (at once, or after <c>Faults:Timeout</c> of silence), a stream that breaks
/// after its first delta, or one that ends there as if complete.</summary>
internal sealed class FaultyRoleplayAi(IRoleplayAi inner, FaultInjector faults) : IRoleplayAi
{
    public string Name => inner.Name;

    public IRoleplayConversation StartConversation(ConversationSetup setup) => new Conversation(inner.StartConversation(setup), faults);

    private sealed class Conversation(IRoleplayConversation inner, FaultInjector faults) : IRoleplayConversation
    {
        public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var fault = faults.Next("ai", FaultKind.Delay, FaultKind.Error, FaultKind.Timeout, FaultKind.Drop, FaultKind.Partial);
            switch (fault)
            {
                case FaultKind.Delay:
                    await Task.Delay(faults.Delay, cancellationToken);
                    break;
                case FaultKind.Error:
                    throw new AiProviderException("The language model is unavailable (HTTP 503, injected fault); try again shortly.", retryable: true);
                case FaultKind.Timeout:
                    await Task.Delay(faults.Timeout, cancellationToken);
                    throw new AiProviderException($"The language model sent nothing for {faults.Timeout.TotalSeconds:0.#} s (injected fault).", retryable: true);
            }

            await foreach (var delta in inner.ReplyAsync(turn, cancellationToken))
            {
                yield return delta;
                if (fault is FaultKind.Drop)
                {
                    throw new AiProviderException("The language model's reply stream dropped (injected fault).", retryable: true);
                }

                if (fault is FaultKind.Partial)
                {
                    yield break;
                }
            }
        }

        public void Commit(AiTurn turn, string reply) => inner.Commit(turn, reply);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
