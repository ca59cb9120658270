using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Health;

namespace RoleplayHub.Providers;

/// <summary>
/// A provider's readiness check that runs only when configuration routes work to the provider
/// (<see cref="SpeechRouting"/>); otherwise the provider is <see cref="Readiness.Unused"/>, healthy, so a missing model
/// of an engine nobody uses neither fails the node nor shows as "ready".
/// </summary>
public sealed class RoutedProviderCheck(IHealthCheck provider, bool routed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        routed ? provider.CheckHealthAsync(context, cancellationToken) : Task.FromResult(HealthCheckResult.Healthy(Readiness.Unused));
}
