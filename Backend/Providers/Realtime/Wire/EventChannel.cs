using System.Threading.Channels;

namespace RoleplayHub.Providers.Realtime.Wire;

/// <summary>The events channel every connection reports through: one reader, one writer (the receive loop), bounded so a
/// reader that falls behind slows the socket down instead of growing memory.</summary>
internal static class EventChannel
{
    public static Channel<RealtimeEvent> Create() => Channel.CreateBounded<RealtimeEvent>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
}
