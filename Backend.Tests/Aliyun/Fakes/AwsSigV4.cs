using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RoleplayHub.Core;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>AWS Signature Version 4 as an S3 server checks it (header and presigned forms), written independently
/// of the AWS SDK that signs the store's S3 requests.</summary>
internal static class AwsSigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static string CanonicalRequest(string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        IReadOnlyList<string> signedHeaders, Func<string, string> header, string payloadHash)
    {
        var uri = string.Join('/', path.Split('/').Select(Rfc3986.PercentEncode));
        var canonicalQuery = string.Join('&', query
            .Select(q => (Key: Rfc3986.PercentEncode(q.Key), Value: Rfc3986.PercentEncode(q.Value)))
            .OrderBy(q => q.Key, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal)
            .Select(q => q.Key + "=" + q.Value));
        var headers = string.Concat(signedHeaders.Select(h => h + ":" + string.Join(' ', header(h).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)) + "\n"));
        return string.Join('\n', method, uri, canonicalQuery, headers, string.Join(';', signedHeaders), payloadHash);
    }

    public static string Signature(string secret, string amzDate, string scope, string canonicalRequest)
    {
        var parts = scope.Split('/');
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(parts[0]));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(parts[1]));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(parts[2]));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(parts[3]));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static DateTimeOffset ParseDate(string amzDate) =>
        DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
