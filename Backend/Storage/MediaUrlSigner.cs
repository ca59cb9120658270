using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Storage;

/// <summary>
/// Signs local media URLs: <c>/media/{key}?exp={unix seconds}&amp;sig={HMAC-SHA256(key \n exp)}</c>. A URL is a
/// capability: a browser's audio element can fetch it without a bearer token, until it expires.
/// </summary>
public sealed class MediaUrlSigner
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly MediaOptions _options;

    public MediaUrlSigner(IOptions<MediaOptions> options, DataDirectory data, TimeProvider time, ILogger<MediaUrlSigner> logger)
    {
        _options = options.Value;
        _time = time;
        _key = string.IsNullOrEmpty(_options.SigningKey) ? LoadOrCreateKey(data, logger) : Encoding.UTF8.GetBytes(_options.SigningKey);
    }

    public string Sign(string key, string? baseUrl)
    {
        var expires = _time.GetUtcNow().Add(_options.UrlLifetime).ToUnixTimeSeconds();
        var root = (_options.PublicBaseUrl ?? baseUrl ?? "").TrimEnd('/');
        return $"{root}/media/{key}?exp={expires}&sig={Signature(key, expires)}";
    }

    public bool Verify(string key, long expires, string? signature)
    {
        if (signature is null || expires < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(key, expires));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    private string Signature(string key, long expires)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{key}\n{expires}"), mac);
        return WebEncoders.Base64UrlEncode(mac);
    }

    private static byte[] LoadOrCreateKey(DataDirectory data, ILogger logger)
    {
        var path = data.Resolve(Path.Combine("keys", "media-signing.key"));
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        logger.LogInformation("Generated a media URL signing key in {Path} (set Media:SigningKey to manage it yourself)", path);
        return key;
    }
}
