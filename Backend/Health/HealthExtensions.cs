using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoleplayHub.Health;

namespace Microsoft.Extensions.DependencyInjection;

public static class HealthExtensions
{
    /// <summary>ASP.NET Core health checks; each feature adds its readiness checks (<see cref="Readiness"/>).</summary>
    public static IHostApplicationBuilder AddRoleplayHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: every readiness check passes (JSON body lists each:
    /// <c>ready</c>, <c>unused</c> for a provider no configuration routes to, or what is wrong). Both anonymous, as load balancers and orchestrators expect.</summary>
    public static IEndpointRouteBuilder MapRoleplayHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Readiness.Tag),
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
            checks = report.Entries.Select(e => new { name = e.Key, status = Describe(e.Value) }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web);
    }

    // A healthy check may say how ("unused"); an unhealthy one always says why.
    private static string Describe(HealthReportEntry entry) => entry.Status == HealthStatus.Healthy
        ? entry.Description ?? "ready"
        : entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString();
}
