using System.Threading.Channels;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>Reads a connection's events into a list, waiting for the one a test needs.</summary>
internal sealed class RealtimeEvents(IRealtimeConnection connection)
{
    public List<RealtimeEvent> Seen { get; } = [];

    public ChannelReader<RealtimeEvent> Reader => connection.Events;

    /// <summary>The next event of type <typeparamref name="T"/> matching <paramref name="match"/>; fails after 15 s.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null)
        where T : RealtimeEvent
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(RealtimeKit.Deadline);
        wait.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            while (await Reader.WaitToReadAsync(wait.Token))
            {
                while (Reader.TryRead(out var e))
                {
                    Seen.Add(e);
                    if (e is T t && (match is null || match(t)))
                    {
                        return t;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} came; saw {string.Join(", ", Seen.Select(e => e.GetType().Name))}");
    }

    public IEnumerable<T> All<T>() => Seen.OfType<T>();
}
