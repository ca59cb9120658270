using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RoleplayHub.Health;

/// <summary>
/// The readiness checks behind <c>/readyz</c>: each feature registers an <see cref="IHealthCheck"/> for what it needs
/// (a provider's native library and model, the media folder, the database) with <see cref="Tag"/>, named
/// <c>kind:provider</c> (<c>stt:pocketsphinx</c>, <c>database:sqlite</c>). An unhealthy result's description says what
/// is wrong and how to fix it.
/// </summary>
public static class Readiness
{
    public const string Tag = "ready";

    /// <summary>The description of a healthy check whose provider no configuration routes to: present, but not "ready".</summary>
    public const string Unused = "unused";

    /// <summary>Registers the check <typeparamref name="T"/> (the container's instance when it has one) as a readiness check.</summary>
    public static IHealthChecksBuilder AddReadinessCheck<T>(this IServiceCollection services, string name)
        where T : class, IHealthCheck =>
        services.AddHealthChecks().AddCheck<T>(name, failureStatus: HealthStatus.Unhealthy, tags: [Tag]);

    /// <summary>Registers a readiness check made by <paramref name="create"/> (for checks that wrap another).</summary>
    public static IHealthChecksBuilder AddReadinessCheck(this IServiceCollection services, string name, Func<IServiceProvider, IHealthCheck> create) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, create, HealthStatus.Unhealthy, [Tag]));

    /// <summary>Ready when <paramref name="problem"/> is null; otherwise unhealthy, saying why.</summary>
    public static HealthCheckResult From(string? problem) =>
        problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(problem);
}
