using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Audio.Vad;

/// <summary>
/// <c>/readyz</c>'s <c>vad:silero</c>: whether the Silero model is loaded. A missing model never makes the node unready —
/// the energy detector serves every session that does not ask for Silero — so it is healthy, saying "not installed",
/// unless Silero is the configured default (<c>Vad:DefaultDetector</c>): then sessions that name no detector lose
/// what the operator chose, and the check is degraded (still ready, HTTP 200, but visible in the status).
/// </summary>
public sealed class SileroReadinessCheck(SileroModel model, IOptions<VadOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (model.Unavailable is not { } problem)
        {
            return Task.FromResult(HealthCheckResult.Healthy());
        }

        var description = "not installed: " + problem;
        return Task.FromResult(options.Value.DefaultDetector == SileroDetectorKind.DetectorName
            ? HealthCheckResult.Degraded(description + " Vad:DefaultDetector is silero: sessions that name no detector cannot have it.")
            : HealthCheckResult.Healthy(description));
    }
}
