using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Realtime;

/// <summary>Readiness of the realtime profiles: a configuration check only (start-up validation already refuses a broken
/// one), listing them with their vendors. It never opens a connection: every connection is a paid session.</summary>
public sealed class RealtimeReadinessCheck(IOptions<RealtimeOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var profiles = options.Value.Profiles;
        var description = profiles.Count == 0
            ? Health.Readiness.Unused
            : string.Join(", ", profiles.Select(p => $"{p.Key} ({p.Value.Vendor})"));
        return Task.FromResult(HealthCheckResult.Healthy(description));
    }
}
