using Microsoft.Extensions.Options;

namespace RoleplayHub.Storage;

/// <summary>Media storage. Bound from the <c>Media</c> section.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary><c>local</c> (files under the data directory, served by this service), <c>oss</c> (Alibaba Cloud OSS,
    /// <c>Media:Oss:*</c>) or <c>s3</c> (any S3-compatible bucket, <c>Media:S3:*</c>).</summary>
    public string Provider { get; set; } = "local";

    /// <summary>Local store folder, relative to the data directory.</summary>
    public string Directory { get; set; } = "media";

    /// <summary>HMAC key for local URLs (at least 32 characters). When empty a random key is generated once and
    /// kept in <c>{DataDirectory}/keys/media-signing.key</c>, so URLs survive restarts.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a handed-out URL works.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Stored media older than this (since last use) is deleted by the sweeper.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Absolute base for local media URLs (e.g. behind a reverse proxy); by default the base of the
    /// request that opened the client's connection.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Keep the user's own audio of every turn (as WAV) for the history.</summary>
    public bool KeepUserAudio { get; set; } = true;
}

public sealed class ValidateMediaOptions : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions o)
    {
        var errors = new List<string>();
        if (o.UrlLifetime <= TimeSpan.Zero || o.Retention <= TimeSpan.Zero || o.SweepInterval <= TimeSpan.Zero)
        {
            errors.Add("Media:UrlLifetime, Retention and SweepInterval must be positive durations.");
        }

        if (!string.IsNullOrEmpty(o.SigningKey) && o.SigningKey.Length < 32)
        {
            errors.Add("Media:SigningKey must be at least 32 characters (or empty to generate one).");
        }

        if (o.PublicBaseUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            errors.Add($"Media:PublicBaseUrl '{url}' is not an absolute URL.");
        }

        if (o.Provider is not ("local" or "oss" or "s3"))
        {
            errors.Add($"Media:Provider '{o.Provider}' is unknown; use local, oss or s3.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
