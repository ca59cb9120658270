using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RoleplayHub.Core;

namespace RoleplayHub.Sessions;

/// <summary>
/// The users an admin kicked, each until <c>Sessions:KickBlock</c> has passed: meanwhile this node refuses them a
/// connection and a session start or resume. Kept per node; every node that was up when the kick was sent has heard it.
/// </summary>
public sealed class KickedUsers(IOptions<RoleplaySessionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);

    public void Block(string userId)
    {
        var now = time.GetUtcNow();
        _until[userId] = now + options.Value.KickBlock;
        foreach (var (user, expiry) in _until)
        {
            if (expiry <= now)
            {
                _until.TryRemove(new KeyValuePair<string, DateTimeOffset>(user, expiry));
            }
        }
    }

    /// <summary>The error a kicked user gets while blocked; null for everyone else.</summary>
    public ClientError? Refusal(string userId)
    {
        if (_until.IsEmpty || !_until.TryGetValue(userId, out var until))
        {
            return null;
        }

        var left = until - time.GetUtcNow();
        return left <= TimeSpan.Zero
            ? null
            : new ClientError(ErrorCodes.Kicked, $"An administrator closed your sessions and connections; you can connect again in {Math.Ceiling(left.TotalMinutes):0} min.", false);
    }
}
