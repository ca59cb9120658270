using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// JWTs built by hand, as an attacker would: any header, any claims, any signature. Independent of the service's own
/// token handler, so a bug there cannot hide in the tests.
/// </summary>
internal static class ForgedTokens
{
    public static byte[] Secret => Encoding.UTF8.GetBytes(RoleplayHubFactory.SigningKey);

    /// <summary>The claims of a valid token for <paramref name="subject"/>, to change one at a time.</summary>
    public static Dictionary<string, object?> Claims(string? subject = "mallory")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = "roleplayhub",
            ["aud"] = "roleplayhub",
            ["iat"] = now - 60,
            ["nbf"] = now - 60,
            ["exp"] = now + 3600,
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return claims;
    }

    public static Dictionary<string, object?> With(this Dictionary<string, object?> claims, string name, object? value)
    {
        claims[name] = value;
        return claims;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> claims, string name)
    {
        claims.Remove(name);
        return claims;
    }

    /// <summary>HMAC-signed with <paramref name="key"/> (the service's secret unless given), under header <c>alg</c>.</summary>
    public static string Hmac(Dictionary<string, object?> claims, string alg = "HS256", byte[]? key = null, string hashAlg = "") =>
        Encode(new { alg, typ = "JWT" }, claims, input => (hashAlg == "" ? alg : hashAlg) switch
        {
            "HS256" or "RS256" => HMACSHA256.HashData(key ?? Secret, input),
            "HS384" => HMACSHA384.HashData(key ?? Secret, input),
            "HS512" => HMACSHA512.HashData(key ?? Secret, input),
            var other => throw new ArgumentException($"No HMAC for {other}", nameof(alg)),
        });

    public static string Valid(string subject = "mallory") => Hmac(Claims(subject));

    public static string Encode(object header, object claims, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{Segment(header)}.{Segment(claims)}";
        return $"{signingInput}.{WebEncoders.Base64UrlEncode(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    /// <summary>One bit of the decoded header, claims or signature flipped, and the token re-encoded: always other bytes
    /// than the original (flipping base64url characters instead can land on unused padding bits and change nothing).</summary>
    public static string FlipOneBit(string token, Random random)
    {
        var segments = token.Split('.').Select(WebEncoders.Base64UrlDecode).ToArray();
        var segment = segments[random.Next(segments.Length)];
        var bit = random.Next(segment.Length * 8);
        segment[bit / 8] ^= (byte)(1 << (bit % 8));
        return string.Join('.', segments.Select(s => WebEncoders.Base64UrlEncode(s)));
    }

    private static string Segment(object value) => WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(value));
}
