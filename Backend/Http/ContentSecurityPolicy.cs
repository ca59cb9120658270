namespace RoleplayHub.Http;

/// <summary>
/// A Content-Security-Policy, as endpoint metadata when an endpoint's pages need other allowances than the default
/// (Swagger UI's inline styles). <see cref="ForPages"/> is what the roleplay and admin pages work with: scripts,
/// styles, the audio worklet and the SignalR connection from this origin only; no inline script or style, no eval,
/// no plugins, and no framing (clickjacking).
/// </summary>
public sealed record ContentSecurityPolicy(string Value)
{
    /// <summary>Swagger UI (Development): its own scripts, but it sets inline styles and shows data: images.</summary>
    public static ContentSecurityPolicy SwaggerUi { get; } = new(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

    /// <summary>The pages' policy. Media URLs point at this service, at <c>Media:PublicBaseUrl</c>, or at a bucket
    /// (OSS, S3) that is normally https; <paramref name="mediaSources"/> adds origins beyond those.</summary>
    public static ContentSecurityPolicy ForPages(IEnumerable<string?> mediaSources)
    {
        var media = string.Join(' ', new[] { "'self'", "https:" }.Concat(mediaSources.Select(Origin).OfType<string>()).Distinct(StringComparer.Ordinal));
        return new(
            // 'self' covers ws:/wss: to this host for the hub (CSP level 3); data: is the page's empty favicon.
            $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src {media}; connect-src 'self'; " +
            "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    }

    /// <summary>scheme://host[:port] of an absolute http(s) URL, or null.</summary>
    internal static string? Origin(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
