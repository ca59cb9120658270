using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RoleplayHub.Auth;
using RoleplayHub.Observability;

namespace Microsoft.Extensions.DependencyInjection;

public static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry metrics — the <c>RoleplayHub</c> meter, ASP.NET Core, SignalR, Kestrel, HttpClient and the runtime —
    /// for the Prometheus endpoint and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, OTLP; traces (a span per turn
    /// and per stage, HTTP in and out) when OTLP is set or <c>Telemetry:Traces</c> is on.
    /// </summary>
    public static IHostApplicationBuilder AddRoleplayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, ValidateTelemetryOptions>();

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(RoleplayMetrics.MeterName, "Microsoft.AspNetCore.SignalR", "Microsoft.AspNetCore.Server.Kestrel")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Tracing is set up only when spans will be recorded: a listener, even with its sampler off, costs every hub
        // invocation something. Hub invocations are never traced (a span per audio chunk would cost more than the chunk).
        if (bool.TryParse(builder.Configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Traces)}"], out var traces) ? traces : otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(RoleplayTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.EnableAspNetCoreSignalRSupport = false)
                .AddHttpClientInstrumentation());
        }

        // The service name is read once the options are bound and validated.
        builder.Services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => metrics.ConfigureResource(resource => resource.AddService(Options(sp).ServiceName)));
        builder.Services.ConfigureOpenTelemetryTracerProvider((sp, tracing) => tracing.ConfigureResource(resource => resource.AddService(Options(sp).ServiceName)));

        if (otlp)
        {
            telemetry.UseOtlpExporter(); // endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables
        }

        return builder;
    }

    private static TelemetryOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<TelemetryOptions>>().Value;

    /// <summary><c>GET /metrics</c> (Prometheus text format): admins only, or anyone on <c>Telemetry:MetricsPort</c> alone.</summary>
    public static IEndpointConventionBuilder MapRoleplayMetrics(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        var port = app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsPort;
        return port is { } metricsPort
            // The local port decides, not the Host header, which any client can set.
            ? endpoint.RequireAuthorization(policy => policy.RequireAssertion(context =>
                context.Resource is HttpContext http && http.Connection.LocalPort == metricsPort))
            : endpoint.RequireAuthorization(AuthPolicies.Admin);
    }
}
