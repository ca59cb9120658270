using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RoleplayHub.Core;

namespace RoleplayHub.Storage.Cloud;

/// <summary>
/// OSS request signatures: V1 (HMAC-SHA1, header and presigned URL) and V4 (<c>OSS4-HMAC-SHA256</c>, header and
/// presigned URL), exactly as ../shared/docs/aliyun-protocols.md §5.3–5.5 describe them, test vectors included.
/// The store signs with V4 (OSS is phasing V1 out); V1 is kept because the fake OSS verifies what ali-oss sends.
/// </summary>
public static class OssSigner
{
    public const string V4Algorithm = "OSS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>V1 query parameters that are signed sub-resources (the OSS C# SDK's list).</summary>
    private static readonly HashSet<string> SubResources = new(StringComparer.Ordinal)
    {
        "acl", "uploadId", "partNumber", "uploads", "cors", "logging", "website", "delete", "referer", "lifecycle",
        "security-token", "append", "position", "x-oss-process", "restore", "bucketInfo", "stat", "symlink", "location", "qos",
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "callback", "callback-var", "tagging", "versionId",
    };

    // ---- V1 ---------------------------------------------------------------------------------------------------

    /// <summary>V1 StringToSign: VERB, Content-MD5, Content-Type, Date (or Expires), the x-oss- headers, the resource.</summary>
    public static string V1StringToSign(string verb, string? contentMd5, string? contentType, string date,
        IEnumerable<KeyValuePair<string, string>> headers, string resource, IEnumerable<KeyValuePair<string, string>>? query = null)
    {
        var builder = new StringBuilder();
        builder.Append(verb.ToUpperInvariant()).Append('\n')
            .Append(contentMd5 ?? "").Append('\n')
            .Append(contentType ?? "").Append('\n')
            .Append(date).Append('\n');
        foreach (var (name, value) in headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .Where(h => h.Name.StartsWith("x-oss-", StringComparison.Ordinal))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append(resource);
        var signed = (query ?? []).Where(q => SubResources.Contains(q.Key)).OrderBy(q => q.Key, StringComparer.Ordinal).ToList();
        if (signed.Count > 0)
        {
            builder.Append('?').Append(string.Join('&', signed.Select(q => q.Value.Length == 0 ? q.Key : q.Key + "=" + q.Value)));
        }

        return builder.ToString();
    }

    public static string V1Signature(string accessKeySecret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));

    // ---- V4 ---------------------------------------------------------------------------------------------------

    /// <summary>URI-encodes a path with RFC 3986 rules, keeping <c>/</c>.</summary>
    public static string EncodePath(string path) => string.Join('/', path.Split('/').Select(Rfc3986.PercentEncode));

    public static string V4CanonicalRequest(string verb, string bucket, string key,
        IEnumerable<KeyValuePair<string, string>> query, IEnumerable<KeyValuePair<string, string>> headers,
        IReadOnlyCollection<string> additionalHeaders, string hashedPayload)
    {
        var canonicalQuery = string.Join('&', query
            .Select(q => (Key: Rfc3986.PercentEncode(q.Key), Value: Rfc3986.PercentEncode(q.Value)))
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => q.Value.Length == 0 ? q.Key : q.Key + "=" + q.Value));
        var additional = additionalHeaders.Select(h => h.ToLowerInvariant()).OrderBy(h => h, StringComparer.Ordinal).ToList();
        var canonicalHeaders = new StringBuilder();
        foreach (var (name, value) in headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .Where(h => h.Name is "content-type" or "content-md5" || h.Name.StartsWith("x-oss-", StringComparison.Ordinal) || additional.Contains(h.Name))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            canonicalHeaders.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = "/" + (bucket.Length == 0 ? "" : bucket + "/") + EncodePath(key);
        return string.Join('\n', verb.ToUpperInvariant(), uri, canonicalQuery, canonicalHeaders.ToString(), string.Join(';', additional), hashedPayload);
    }

    public static string V4Scope(DateTimeOffset time, string region) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/oss/aliyun_v4_request";

    public static string V4Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string V4StringToSign(DateTimeOffset time, string region, string canonicalRequest) =>
        $"{V4Algorithm}\n{V4Date(time)}\n{V4Scope(time, region)}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static string V4Signature(string accessKeySecret, DateTimeOffset time, string region, string stringToSign)
    {
        var day = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("aliyun_v4" + accessKeySecret), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, "oss"u8);
        key = HMACSHA256.HashData(key, "aliyun_v4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The V4 Authorization header for a request whose headers include <c>x-oss-date</c> and
    /// <c>x-oss-content-sha256</c>.</summary>
    public static string V4Authorization(string accessKeyId, string accessKeySecret, string region, DateTimeOffset time,
        string verb, string bucket, string key, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var canonical = V4CanonicalRequest(verb, bucket, key, [], headers, [], UnsignedPayload);
        var signature = V4Signature(accessKeySecret, time, region, V4StringToSign(time, region, canonical));
        return $"{V4Algorithm} Credential={accessKeyId}/{V4Scope(time, region)},Signature={signature}";
    }

    /// <summary>The query of a V4 presigned URL (already encoded), ending with <c>x-oss-signature</c>.</summary>
    public static string V4PresignedQuery(string accessKeyId, string accessKeySecret, string region, DateTimeOffset time,
        TimeSpan lifetime, string verb, string bucket, string key, string? securityToken = null)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("x-oss-credential", $"{accessKeyId}/{V4Scope(time, region)}"),
            new("x-oss-date", V4Date(time)),
            new("x-oss-expires", ((long)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            new("x-oss-signature-version", V4Algorithm),
        };
        if (securityToken is not null)
        {
            query.Add(new("x-oss-security-token", securityToken));
        }

        var canonical = V4CanonicalRequest(verb, bucket, key, query, [], [], UnsignedPayload);
        var signature = V4Signature(accessKeySecret, time, region, V4StringToSign(time, region, canonical));
        query.Add(new("x-oss-signature", signature));
        return string.Join('&', query.Select(q => Rfc3986.PercentEncode(q.Key) + "=" + Rfc3986.PercentEncode(q.Value)));
    }
}
