using System.Security.Cryptography;
using System.Text;
using RoleplayHub.Core;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Alibaba Cloud POP RPC request signing ("signature version 1.0", HMAC-SHA1), used by the NLS CreateToken call.
/// The algorithm and its test vector are in ../shared/docs/aliyun-protocols.md §1.3; values are percent-encoded
/// with <see cref="Rfc3986"/>.
/// </summary>
public static class PopSigner
{
    /// <summary>The canonicalized query: encoded pairs sorted by key in ordinal order, joined with <c>&amp;</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Where(p => p.Key != "Signature")
            .Select(p => (Key: Rfc3986.PercentEncode(p.Key), Value: Rfc3986.PercentEncode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    public static string StringToSign(string method, IEnumerable<KeyValuePair<string, string>> parameters) =>
        method.ToUpperInvariant() + "&" + Rfc3986.PercentEncode("/") + "&" + Rfc3986.PercentEncode(CanonicalQuery(parameters));

    /// <summary>Base64(HMAC-SHA1(secret + "&amp;", StringToSign)).</summary>
    public static string Sign(string method, IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret)
    {
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(StringToSign(method, parameters)));
        return Convert.ToBase64String(mac);
    }
}
