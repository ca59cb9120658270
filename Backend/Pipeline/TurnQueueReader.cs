using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>How every turn worker reads its session's queue: items in order, each disposed and marked processed once
/// handled, until the session stops or has ended (its last turn answered, or failed).</summary>
internal static class TurnQueueReader
{
    public static async Task ReadAsync(ITurnSession session, Func<PipelineItem, CancellationToken, Task> process, CancellationToken stopping)
    {
        var queue = session.Queue;
        // The wait takes no token. A cancellable wait allocates a waiter and a registration on the session's token
        // for every wait, and both live through the gap between utterances, long enough for the collector to promote
        // them. A session's Stop completes its queue before it cancels, which ends this wait as surely.
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            stopping.ThrowIfCancellationRequested();
            while (queue.TryRead(out var item))
            {
                using (item)
                {
                    await process(item, stopping);
                    session.Processed(item);
                }

                if (session.EndReason is SessionEndReason.MaxTurns or SessionEndReason.Error)
                {
                    return;
                }
            }
        }
    }
}
