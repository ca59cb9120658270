using Microsoft.Extensions.Options;

namespace RoleplayHub.Http;

/// <summary>The security headers' settings. Bound from the <c>SecurityHeaders</c> section.</summary>
public sealed class SecurityHeadersOptions
{
    public const string Section = "SecurityHeaders";

    /// <summary>Origins the pages may play media from besides this service, <c>Media:PublicBaseUrl</c> and any https
    /// origin: a bucket or CDN served over plain http (a local MinIO, say).</summary>
    public string[] MediaSources { get; set; } = [];
}

public sealed class ValidateSecurityHeadersOptions : IValidateOptions<SecurityHeadersOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityHeadersOptions o)
    {
        var bad = o.MediaSources.Where(s => ContentSecurityPolicy.Origin(s) is null).ToList();
        return bad.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"SecurityHeaders:MediaSources must be absolute http or https URLs; not: {string.Join(", ", bad)}.");
    }
}
