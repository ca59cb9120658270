using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>How every turn worker reads its session's queue: items in order, each disposed and marked processed once
/// handled, until the session stops or has ended (its last turn answered, or failed).</summary>
internal static class TurnQueueReader
{
    public static async Task ReadAsync(ITurnSession session, Func<PipelineItem, CancellationToken, Task> process, CancellationToken stopping)
    {
        var queue = session.Queue;
        while (await queue.WaitToReadAsync(stopping))
        {
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
