using Microsoft.Extensions.Options;

namespace RoleplayHub.Auth;

/// <summary>JWT bearer settings. Bound from the <c>Auth</c> section. Either a shared HS256 key (tokens issued by
/// your own identity service) or an OIDC authority whose JWKS signs them.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "roleplayhub";

    public string Audience { get; set; } = "roleplayhub";

    /// <summary>HS256 key, at least 32 characters. Not needed when <see cref="Authority"/> is set.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OIDC issuer URL; its discovery document and JWKS are fetched and cached.</summary>
    public string? Authority { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Claim holding roles (a string or an array).</summary>
    public string RoleClaim { get; set; } = "role";

    public string AdminRole { get; set; } = "admin";

    public DevTokenOptions DevTokens { get; set; } = new();
}

/// <summary><c>POST /dev/token</c>: mints HS256 tokens for trying the service. Only in the Development environment,
/// and only when explicitly enabled.</summary>
public sealed class DevTokenOptions
{
    public bool Enabled { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}

public sealed class ValidateAuthOptions : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Authority) && (o.SigningKey is null || o.SigningKey.Length < 32))
        {
            errors.Add("Auth:SigningKey (at least 32 characters) or Auth:Authority must be set; see .env.example.");
        }

        if (!string.IsNullOrWhiteSpace(o.Authority) && !Uri.TryCreate(o.Authority, UriKind.Absolute, out _))
        {
            errors.Add($"Auth:Authority '{o.Authority}' is not an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(o.Issuer) || string.IsNullOrWhiteSpace(o.Audience))
        {
            errors.Add("Auth:Issuer and Auth:Audience must not be empty.");
        }

        if (o.DevTokens.Enabled && string.IsNullOrEmpty(o.SigningKey))
        {
            errors.Add("Auth:DevTokens:Enabled needs Auth:SigningKey (dev tokens are HS256).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
