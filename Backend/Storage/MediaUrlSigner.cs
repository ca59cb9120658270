using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
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
        var root = (_options.PublicBaseUrl ?? baseUrl ?? "").AsSpan().TrimEnd('/');
        Span<char> signature = stackalloc char[SignatureChars];
        Signature(key, expires, signature);
        return $"{root}/media/{key}?exp={expires}&sig={signature}"; // the URL is the only string a signature makes
    }

    public bool Verify(string key, long expires, string? signature)
    {
        if (signature is null || expires < _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        Span<char> expected = stackalloc char[SignatureChars];
        Signature(key, expires, expected);
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(signature.AsSpan()));
    }

    /// <summary>Base64url characters of an HMAC-SHA256, unpadded.</summary>
    private const int SignatureChars = 43;

    /// <summary>Writes the signature of <c>key \n expires</c> (UTF-8) into <paramref name="signature"/>.</summary>
    private void Signature(string key, long expires, Span<char> signature)
    {
        var signed = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(key.Length) + 21);
        try
        {
            var length = Encoding.UTF8.GetBytes(key, signed);
            signed[length++] = (byte)'\n';
            expires.TryFormat(signed.AsSpan(length), out var digits, provider: CultureInfo.InvariantCulture);
            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(_key, signed.AsSpan(0, length + digits), mac);
            Base64Url.EncodeToChars(mac, signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
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
