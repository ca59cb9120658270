using System.Diagnostics;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Waiting for what another thread, process or server makes true, in real time.</summary>
public static class Poll
{
    /// <summary>
    /// True once <paramref name="done"/> holds, checked every <paramref name="every"/> (20 ms by default); false if it
    /// still does not after <paramref name="within"/>. The caller asserts on what it waited for, so a failure says
    /// what was missing rather than only that time ran out.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<bool> done, TimeSpan within, TimeSpan? every = null)
    {
        var waited = Stopwatch.StartNew();
        while (!done())
        {
            if (waited.Elapsed >= within)
            {
                return false;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(20));
        }

        return true;
    }
}
