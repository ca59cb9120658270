using Microsoft.Extensions.Options;

namespace RoleplayHub.Storage.Cloud;

/// <summary>
/// A bucket for turn audio. Bound from <c>Media:Oss</c> (native OSS API, signature V4) or <c>Media:S3</c> (any
/// S3-compatible endpoint through the AWS SDK: OSS's <c>s3.oss-&lt;region&gt;.aliyuncs.com</c>, MinIO, AWS).
/// Retention is the bucket's lifecycle rule on <see cref="Prefix"/> (docs/providers.md), not a sweeper.
/// </summary>
public sealed class ObjectStoreOptions
{
    public const string OssSection = "Media:Oss";
    public const string S3Section = "Media:S3";

    /// <summary>OSS: the region endpoint, e.g. <c>https://oss-cn-hangzhou.aliyuncs.com</c>. S3: the service URL.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Region id without the <c>oss-</c> prefix (<c>cn-hangzhou</c>); part of the V4 signing scope.</summary>
    public string Region { get; set; } = "cn-hangzhou";

    public string Bucket { get; set; } = "";

    /// <summary>Key prefix of everything this service stores (lifecycle rules match it).</summary>
    public string Prefix { get; set; } = "roleplayhub/";

    /// <summary>Defaults to <c>Aliyun:AccessKeyId</c> / <c>Aliyun:AccessKeySecret</c> for OSS.</summary>
    public string? AccessKeyId { get; set; }

    public string? AccessKeySecret { get; set; }

    public string? SecurityToken { get; set; }

    /// <summary><c>/bucket/key</c> on the endpoint instead of <c>bucket.endpoint/key</c> (local and MinIO-style
    /// servers; public OSS wants virtual-hosted style).</summary>
    public bool PathStyle { get; set; }

    /// <summary>Base of the URLs handed to browsers when it differs from <see cref="Endpoint"/> (a CNAME bound to
    /// the bucket, which new mainland OSS accounts must use). V4 presigned URLs stay valid on any host.</summary>
    public Uri? PublicEndpoint { get; set; }
}

public sealed class ValidateObjectStoreOptions(IOptions<MediaOptions> media) : IValidateOptions<ObjectStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ObjectStoreOptions o)
    {
        var section = name == "s3" ? ObjectStoreOptions.S3Section : ObjectStoreOptions.OssSection;
        if (!string.Equals(media.Value.Provider, name, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Success; // not the configured store
        }

        var errors = new List<string>();
        if (o.Endpoint is null || !o.Endpoint.IsAbsoluteUri)
        {
            errors.Add($"{section}:Endpoint is required (e.g. https://oss-cn-hangzhou.aliyuncs.com).");
        }

        if (string.IsNullOrWhiteSpace(o.Bucket))
        {
            errors.Add($"{section}:Bucket is required.");
        }

        if (string.IsNullOrWhiteSpace(o.AccessKeyId) || string.IsNullOrWhiteSpace(o.AccessKeySecret))
        {
            errors.Add($"{section}:AccessKeyId and AccessKeySecret (or Aliyun:AccessKeyId and Aliyun:AccessKeySecret) are required.");
        }

        if (media.Value.UrlLifetime > TimeSpan.FromDays(7))
        {
            errors.Add("Media:UrlLifetime must be at most 7 days with a cloud store (the V4 presigned URL limit).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
