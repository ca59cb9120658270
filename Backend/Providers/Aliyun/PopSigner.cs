using System.Security.Cryptography;
using System.Text;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Alibaba Cloud POP RPC request signing ("signature version 1.0", HMAC-SHA1), used by the NLS CreateToken call.
/// The algorithm and its test vector are in ../shared/docs/aliyun-protocols.md §1.3.
/// </summary>
public static class PopSigner
{
    /// <summary>RFC 3986 percent-encoding with uppercase hex: only <c>A-Z a-z 0-9 - _ . ~</c> stay literal, a space
    /// is <c>%20</c> and <c>*</c> is <c>%2A</c> (what POP, and OSS V4, expect).</summary>
    public static string PercentEncode(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The canonicalized query: encoded pairs sorted by key in ordinal order, joined with <c>&amp;</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Where(p => p.Key != "Signature")
            .Select(p => (Key: PercentEncode(p.Key), Value: PercentEncode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    public static string StringToSign(string method, IEnumerable<KeyValuePair<string, string>> parameters) =>
        method.ToUpperInvariant() + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalQuery(parameters));

    /// <summary>Base64(HMAC-SHA1(secret + "&amp;", StringToSign)).</summary>
    public static string Sign(string method, IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret)
    {
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(StringToSign(method, parameters)));
        return Convert.ToBase64String(mac);
    }
}
