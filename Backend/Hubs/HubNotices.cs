using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>
/// An admin's <c>notice</c> to every connection, or to every connection of one user. Sent through the hub context,
/// never to a connection this node holds: with the Redis backplane (<c>ScaleOut:Redis</c>) the send reaches the
/// clients of every node.
/// </summary>
public sealed class HubNotices(IHubContext<RoleplayHub, IRoleplayClient> hub, TimeProvider time)
{
    public Task ToEveryoneAsync(string message) => hub.Clients.All.Notice(Notice(message));

    /// <summary>To <paramref name="userId"/> (the token's <c>sub</c>) on all their connections.</summary>
    public Task ToUserAsync(string userId, string message) => hub.Clients.User(userId).Notice(Notice(message));

    private NoticeEvent Notice(string message) => new(message, time.GetUtcNow().ToUnixTimeMilliseconds());
}
