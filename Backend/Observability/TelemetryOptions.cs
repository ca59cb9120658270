using Microsoft.Extensions.Options;

namespace RoleplayHub.Observability;

/// <summary>OpenTelemetry. Bound from the <c>Telemetry</c> section; the OTLP exporter itself is configured by the
/// standard <c>OTEL_EXPORTER_OTLP_*</c> environment variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> turns it on).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The <c>service.name</c> resource attribute (<c>OTEL_SERVICE_NAME</c> wins when set).</summary>
    public string ServiceName { get; set; } = "roleplayhub";

    /// <summary>Record traces (a span per turn, a child span per stage). Unset: on when an OTLP endpoint is set, since
    /// spans nobody exports only cost.</summary>
    public bool? Traces { get; set; }

    /// <summary><c>GET /metrics</c> in the Prometheus text format: for admins on the service's own port or, when this is
    /// set, without a token but only on this port (list it in the service's URLs and keep it off the public network).</summary>
    public int? MetricsPort { get; set; }
}

public sealed class ValidateTelemetryOptions : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ServiceName))
        {
            errors.Add("Telemetry:ServiceName must not be empty.");
        }

        if (o.MetricsPort is < 1 or > 65_535)
        {
            errors.Add($"Telemetry:MetricsPort {o.MetricsPort} is not a TCP port (1–65535).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
