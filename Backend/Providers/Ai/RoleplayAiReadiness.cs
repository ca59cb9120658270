using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoleplayHub.Providers.Ai;

/// <summary>
/// <c>/readyz</c>'s entry for the roleplay AI actually configured (<c>ai:scripted</c>, <c>ai:openai</c>): the provider's
/// own check when it has one, otherwise always ready (the scripted engine needs nothing).
/// </summary>
public sealed class RoleplayAiReadiness(IRoleplayAi ai) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        ai is IHealthCheck check ? check.CheckHealthAsync(context, cancellationToken) : Task.FromResult(HealthCheckResult.Healthy());
}
