using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Health;

namespace RoleplayHub.ScaleOut;

/// <summary><c>/readyz</c>: the shared Redis answers; without it this node can neither claim sessions nor reach the
/// other nodes' clients, so the load balancer should send nobody new here.</summary>
internal sealed class RedisReadinessCheck(ClusterRedis redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await (await redis.DatabaseAsync()).PingAsync();
            return Readiness.From(null);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return Readiness.From($"Redis is unreachable: {ex.Message}");
        }
    }
}
