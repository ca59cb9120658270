using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace RoleplayHub.ScaleOut;

/// <summary>
/// Session leases in Redis: the key <c>{prefix}:lease:{sessionId}</c> holds the owning node's id and expires
/// <c>ScaleOut:LeaseTtl</c> after its last renewal (<see cref="LeaseRenewer"/>). Claims and releases are compare-and-set
/// scripts, so a node never takes or drops another live node's lease. An admin's end for a session owned elsewhere is
/// published on the owner's channel (<see cref="AdminEndListener"/>).
/// </summary>
public sealed partial class RedisSessionOwnership(ClusterRedis redis, ScaleOutNode node, IOptions<ScaleOutOptions> options, ILogger<RedisSessionOwnership> logger)
    : ISessionOwnership
{
    // Returns '' when the lease is (now) this node's, else the owner's id.
    private static readonly LuaScript Claim = LuaScript.Prepare("""
        local owner = redis.call('GET', @key)
        if owner == false or owner == @node then
          redis.call('SET', @key, @node, 'PX', @ttl)
          return ''
        end
        return owner
        """);

    private static readonly LuaScript CompareAndDelete = LuaScript.Prepare("""
        if redis.call('GET', @key) == @node then
          return redis.call('DEL', @key)
        end
        return 0
        """);

    private readonly long _ttlMs = (long)options.Value.LeaseTtl.TotalMilliseconds;

    public async Task<ClientError?> ClaimAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var owner = await ClaimOrOwnerAsync(sessionId);
            return owner is null
                ? null
                : new ClientError(ErrorCodes.SessionOnAnotherNode,
                    $"Session {ClientError.Echo(sessionId)} is running on another node; reconnect through the same route to reach it. " +
                    $"If that node has gone, the session can move here within {options.Value.LeaseTtl.TotalSeconds:0} s.", true);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogRedisFailed(ex, "claim", sessionId);
            return new ClientError(ErrorCodes.ServerBusy, "Session ownership cannot be checked right now; try again in a moment.", true);
        }
    }

    public void Release(string sessionId) => _ = ReleaseAsync(sessionId);

    // The claim that precedes a restore succeeds only when no live node holds the lease: the lost node's lapsed.
    public bool RestoresLostSessions => true;

    public async Task<EndForwarding> RequestEndElsewhereAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var database = await redis.DatabaseAsync();
            var owner = (string?)await database.StringGetAsync(node.LeaseKey(sessionId));
            if (owner is null || owner == node.Id)
            {
                return EndForwarding.NotOwned; // nobody runs it, or this node did until a moment ago
            }

            var subscriber = await redis.SubscriberAsync();
            var heard = await subscriber.PublishAsync(RedisChannel.Literal(node.EndChannel(owner)), sessionId);
            return heard > 0 ? EndForwarding.Sent : EndForwarding.NotOwned; // nobody heard: the owner is dead, its lease lapsing
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogRedisFailed(ex, "forward the end", sessionId);
            return EndForwarding.Unavailable;
        }
    }

    public async Task<EndForwarding> KickElsewhereAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var subscriber = await redis.SubscriberAsync();
            await subscriber.PublishAsync(RedisChannel.Literal(node.KickChannel), $"{node.Id}|{userId}");
            return EndForwarding.Sent;
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogKickNotSent(ex, userId);
            return EndForwarding.Unavailable;
        }
    }

    /// <summary>Renews this node's leases on <paramref name="sessionIds"/> (one round trip: the commands are pipelined);
    /// returns the sessions another node has taken meanwhile (this node was cut off for longer than the lease).</summary>
    public async Task<IReadOnlyList<string>> RenewAsync(IReadOnlyCollection<string> sessionIds)
    {
        var claims = sessionIds.Select(id => (Id: id, Owner: ClaimOrOwnerAsync(id))).ToList();
        await Task.WhenAll(claims.Select(c => c.Owner));
        return [.. claims.Where(c => c.Owner.Result is not null).Select(c => c.Id)];
    }

    // null: the lease is this node's; else the owner's id.
    private async Task<string?> ClaimOrOwnerAsync(string sessionId)
    {
        var database = await redis.DatabaseAsync();
        var owner = (string?)await database.ScriptEvaluateAsync(Claim, new { key = (RedisKey)node.LeaseKey(sessionId), node = node.Id, ttl = _ttlMs });
        return string.IsNullOrEmpty(owner) ? null : owner;
    }

    private async Task ReleaseAsync(string sessionId)
    {
        try
        {
            var database = await redis.DatabaseAsync();
            await database.ScriptEvaluateAsync(CompareAndDelete, new { key = (RedisKey)node.LeaseKey(sessionId), node = node.Id });
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            LogRedisFailed(ex, "release", sessionId); // the lease expires on its own
        }
    }

    [LoggerMessage(LogLevel.Warning, "Scale-out: Redis failed to carry the kick of {User} to the other nodes")]
    private partial void LogKickNotSent(Exception ex, string user);

    [LoggerMessage(LogLevel.Warning, "Scale-out: Redis failed to {Action} the lease of session {SessionId}")]
    private partial void LogRedisFailed(Exception ex, string action, string sessionId);
}
