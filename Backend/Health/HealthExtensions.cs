using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Health;

namespace Microsoft.Extensions.DependencyInjection;

public static class HealthExtensions
{
    private const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddRoleplayHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("providers", tags: [ReadyTag]);
        return builder;
    }

    /// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: every provider and store can serve a session
    /// (JSON body lists each probe). Both anonymous, as load balancers and orchestrators expect.</summary>
    public static IEndpointRouteBuilder MapRoleplayHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJson,
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.SelectMany(e => e.Value.Data.Select(d => new { name = d.Key, status = d.Value })),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web);
    }

    private sealed class ReadinessCheck(IEnumerable<IReadinessProbe> probes) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object>();
            var failures = new List<string>();
            foreach (var probe in probes)
            {
                string? problem;
                try
                {
                    problem = await probe.CheckAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    problem = ex.Message;
                }

                data[probe.Name] = problem ?? "ready";
                if (problem is not null)
                {
                    failures.Add($"{probe.Name}: {problem}");
                }
            }

            return failures.Count == 0
                ? HealthCheckResult.Healthy("ready", data)
                : HealthCheckResult.Unhealthy(string.Join("; ", failures), data: data);
        }
    }
}
