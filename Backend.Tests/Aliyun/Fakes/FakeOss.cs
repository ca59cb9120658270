using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using RoleplayHub.Storage.Cloud;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// An OSS / S3 endpoint (../shared/docs/aliyun-protocols.md §5, §7.5): path-style <c>/bucket/key</c> or a
/// <c>bucket.host</c> Host header; PUT, GET (with Range), HEAD, DELETE. Every request must carry a valid signature — OSS V1 or
/// V4 (header or presigned URL) or AWS SigV4 (header or presigned, as the S3-compatible API takes it) — within 15
/// minutes of server time, and presigned URLs expire. PUT checks Content-MD5, rejects aws-chunked uploads like OSS,
/// and answers 200 with ETag and <c>x-oss-request-id</c>; errors are the XML <c>&lt;Error&gt;</c> document.
/// </summary>
public sealed class FakeOss(FakeAliyunAccount account) : FakeHost
{
    public ConcurrentDictionary<string, (byte[] Content, string ContentType)> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>HTTP statuses to answer the next PUTs with (a failing service).</summary>
    public ConcurrentQueue<int> PutFailures { get; } = new();

    /// <summary>Which signature each accepted request carried (e.g. "OSS4 header", "AWS4 query").</summary>
    public ConcurrentQueue<string> Signatures { get; } = new();

    protected override void Map(WebApplication app) => app.Run(HandleAsync);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestId = Guid.NewGuid().ToString("N").ToUpperInvariant()[..24];
        context.Response.Headers["x-oss-request-id"] = requestId;
        var (bucket, key) = Address(request);
        if (bucket != account.Bucket)
        {
            await ErrorAsync(context, 404, "NoSuchBucket", "The specified bucket does not exist.", requestId);
            return;
        }

        if (Verify(request, bucket, key) is { } denied)
        {
            await ErrorAsync(context, 403, denied.Code, denied.Message, requestId);
            return;
        }

        switch (request.Method)
        {
            case "PUT":
                await PutAsync(context, key, requestId);
                break;
            case "GET" or "HEAD":
                await GetAsync(context, key, requestId);
                break;
            case "DELETE":
                Objects.TryRemove(key, out _);
                context.Response.StatusCode = 204; // OSS and S3 answer 204 whether or not the key existed
                break;
            default:
                await ErrorAsync(context, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.", requestId);
                break;
        }
    }

    private (string Bucket, string Key) Address(HttpRequest request)
    {
        var path = Uri.UnescapeDataString(request.Path.Value ?? "/").TrimStart('/');
        var host = request.Host.Host;
        // ali-oss names the bucket in Host even in path style (sldEnable), so the path decides when it has the bucket.
        if (host.StartsWith(account.Bucket + ".", StringComparison.Ordinal) && !path.StartsWith(account.Bucket + "/", StringComparison.Ordinal))
        {
            return (account.Bucket, path);
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
    }

    private async Task PutAsync(HttpContext context, string key, string requestId)
    {
        if (PutFailures.TryDequeue(out var status))
        {
            await ErrorAsync(context, status, status == 503 ? "ServiceUnavailable" : "InternalError", "Please try again.", requestId);
            return;
        }

        var request = context.Request;
        if (request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.Ordinal)
            || request.Headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            await ErrorAsync(context, 400, "InvalidArgument", "aws-chunked encoding is not supported with the specified x-amz-content-sha256 value.", requestId);
            return;
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var content = body.ToArray();
        var md5 = MD5.HashData(content);
        if (request.Headers.ContentMD5.ToString() is { Length: > 0 } claimed && claimed != Convert.ToBase64String(md5))
        {
            await ErrorAsync(context, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.", requestId);
            return;
        }

        if (request.Headers["x-amz-content-sha256"].ToString() is { Length: 64 } sha && sha != Convert.ToHexStringLower(SHA256.HashData(content)))
        {
            await ErrorAsync(context, 400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", requestId);
            return;
        }

        Objects[key] = (content, request.ContentType ?? "application/octet-stream");
        context.Response.Headers.ETag = $"\"{Convert.ToHexString(md5)}\"";
        context.Response.StatusCode = 200;
    }

    private async Task GetAsync(HttpContext context, string key, string requestId)
    {
        if (!Objects.TryGetValue(key, out var stored))
        {
            await ErrorAsync(context, 404, "NoSuchKey", "The specified key does not exist.", requestId);
            return;
        }

        var response = context.Response;
        response.ContentType = context.Request.Query["response-content-type"].ToString() is { Length: > 0 } overridden ? overridden : stored.ContentType;
        response.Headers.ETag = $"\"{Convert.ToHexString(MD5.HashData(stored.Content))}\"";
        response.Headers.AcceptRanges = "bytes";
        var (from, to) = (0L, (long)stored.Content.Length - 1);
        if (context.Request.Headers.Range.ToString() is { Length: > 6 } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var bounds = range[6..].Split('-');
            from = long.Parse(bounds[0], CultureInfo.InvariantCulture);
            to = bounds[1].Length > 0 ? Math.Min(long.Parse(bounds[1], CultureInfo.InvariantCulture), to) : to;
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{to}/{stored.Content.Length}";
        }

        response.ContentLength = to - from + 1;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await response.Body.WriteAsync(stored.Content.AsMemory((int)from, (int)(to - from + 1)));
        }
    }

    // ---- signatures -------------------------------------------------------------------------------------------

    private (string Code, string Message)? Verify(HttpRequest request, string bucket, string key)
    {
        var query = request.Query;
        var authorization = request.Headers.Authorization.ToString();
        var now = DateTimeOffset.UtcNow;
        IEnumerable<KeyValuePair<string, string>> Headers() => request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
        IEnumerable<KeyValuePair<string, string>> Query(params string[] except) =>
            query.Where(q => !except.Contains(q.Key)).Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()));

        if (authorization.StartsWith(OssSigner.V4Algorithm + " ", StringComparison.Ordinal))
        {
            var fields = Fields(authorization[(OssSigner.V4Algorithm.Length + 1)..]);
            var date = ParseCompact(request.Headers["x-oss-date"]);
            if (date is null || (date.Value - now).Duration() > TimeSpan.FromMinutes(15))
            {
                return ("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
            }

            var credential = fields.GetValueOrDefault("Credential", "").Split('/');
            var additional = fields.GetValueOrDefault("AdditionalHeaders", "").Split(';', StringSplitOptions.RemoveEmptyEntries);
            var canonical = OssSigner.V4CanonicalRequest(request.Method, bucket, key, Query(), Headers(), additional, request.Headers["x-oss-content-sha256"].ToString());
            var expected = OssSigner.V4Signature(account.AccessKeySecret, date.Value, credential.ElementAtOrDefault(2) ?? "", OssSigner.V4StringToSign(date.Value, credential.ElementAtOrDefault(2) ?? "", canonical));
            return Check(credential[0], expected, fields.GetValueOrDefault("Signature"), "OSS4 header", canonical);
        }

        if (authorization.StartsWith("OSS ", StringComparison.Ordinal))
        {
            var (id, signature) = Split(authorization[4..], ':');
            var date = request.Headers["x-oss-date"].ToString() is { Length: > 0 } ossDate ? ossDate : request.Headers.Date.ToString();
            if (!DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) || (parsed - now).Duration() > TimeSpan.FromMinutes(15))
            {
                return ("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
            }

            var stringToSign = OssSigner.V1StringToSign(request.Method, request.Headers.ContentMD5, request.ContentType, date, Headers(), $"/{bucket}/{key}", Query());
            return Check(id, OssSigner.V1Signature(account.AccessKeySecret, stringToSign), signature, "OSS1 header", stringToSign);
        }

        if (authorization.StartsWith(AwsSigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            var fields = Fields(authorization[(AwsSigV4.Algorithm.Length + 1)..]);
            var amzDate = request.Headers["x-amz-date"].ToString();
            if (ParseCompact(amzDate) is not { } date || (date - now).Duration() > TimeSpan.FromMinutes(15))
            {
                return ("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
            }

            var credential = fields.GetValueOrDefault("Credential", "");
            var slash = credential.IndexOf('/', StringComparison.Ordinal);
            var signed = fields.GetValueOrDefault("SignedHeaders", "").Split(';');
            var canonical = AwsSigV4.CanonicalRequest(request.Method, request.Path.Value ?? "/", Query(), signed, h => Header(request, h), request.Headers["x-amz-content-sha256"].ToString());
            return Check(credential[..Math.Max(slash, 0)], AwsSigV4.Signature(account.AccessKeySecret, amzDate, credential[(slash + 1)..], canonical), fields.GetValueOrDefault("Signature"), "AWS4 header", canonical);
        }

        if (query["x-oss-signature-version"] == OssSigner.V4Algorithm)
        {
            var date = ParseCompact(query["x-oss-date"]);
            var expires = int.TryParse(query["x-oss-expires"], out var seconds) ? seconds : -1;
            if (date is null || expires is < 1 or > 604_800 || now > date.Value.AddSeconds(expires))
            {
                return ("AccessDenied", "Request has expired.");
            }

            var credential = query["x-oss-credential"].ToString().Split('/');
            var canonical = OssSigner.V4CanonicalRequest(request.Method, bucket, key, Query("x-oss-signature"), Headers(), query["x-oss-additional-headers"].ToString().Split(';', StringSplitOptions.RemoveEmptyEntries), OssSigner.UnsignedPayload);
            var region = credential.ElementAtOrDefault(2) ?? "";
            return Check(credential[0], OssSigner.V4Signature(account.AccessKeySecret, date.Value, region, OssSigner.V4StringToSign(date.Value, region, canonical)), query["x-oss-signature"], "OSS4 query", canonical);
        }

        if (query.ContainsKey("OSSAccessKeyId"))
        {
            if (!long.TryParse(query["Expires"], out var expires) || now.ToUnixTimeSeconds() > expires)
            {
                return ("AccessDenied", "Request has expired.");
            }

            var stringToSign = OssSigner.V1StringToSign(request.Method, "", "", query["Expires"]!, Headers(), $"/{bucket}/{key}", Query("OSSAccessKeyId", "Expires", "Signature"));
            return Check(query["OSSAccessKeyId"], OssSigner.V1Signature(account.AccessKeySecret, stringToSign), query["Signature"], "OSS1 query", stringToSign);
        }

        if (query["X-Amz-Algorithm"] == AwsSigV4.Algorithm)
        {
            var amzDate = query["X-Amz-Date"].ToString();
            var expires = int.TryParse(query["X-Amz-Expires"], out var seconds) ? seconds : -1;
            if (ParseCompact(amzDate) is not { } date || expires < 1 || now > date.AddSeconds(expires))
            {
                return ("AccessDenied", "Request has expired.");
            }

            var credential = query["X-Amz-Credential"].ToString();
            var slash = credential.IndexOf('/', StringComparison.Ordinal);
            var canonical = AwsSigV4.CanonicalRequest(request.Method, request.Path.Value ?? "/", Query("X-Amz-Signature"), query["X-Amz-SignedHeaders"].ToString().Split(';'), h => Header(request, h), "UNSIGNED-PAYLOAD");
            return Check(credential[..Math.Max(slash, 0)], AwsSigV4.Signature(account.AccessKeySecret, amzDate, credential[(slash + 1)..], canonical), query["X-Amz-Signature"], "AWS4 query", canonical);
        }

        return ("AccessDenied", "You have no right to access this object because of bucket acl.");
    }

    private (string Code, string Message)? Check(string? accessKeyId, string expected, string? actual, string kind, string stringToSign)
    {
        if (accessKeyId != account.AccessKeyId)
        {
            return ("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.");
        }

        if (actual is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual)))
        {
            return ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. StringToSign: " + stringToSign.Replace("\n", "\\n", StringComparison.Ordinal));
        }

        Signatures.Enqueue(kind);
        return null;
    }

    private static string Header(HttpRequest request, string name) =>
        name == "host" ? request.Host.Value ?? "" : request.Headers[name].ToString();

    private static Dictionary<string, string> Fields(string value) => value.Split(',')
        .Select(part => Split(part.Trim(), '='))
        .ToDictionary(p => p.Left, p => p.Right, StringComparer.Ordinal);

    private static (string Left, string Right) Split(string value, char separator)
    {
        var at = value.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? (value, "") : (value[..at], value[(at + 1)..]);
    }

    private static DateTimeOffset? ParseCompact(StringValues value) =>
        DateTimeOffset.TryParseExact(value.ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message, string requestId)
    {
        context.Response.StatusCode = status;
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>{code}</Code>
              <Message>{System.Security.SecurityElement.Escape(message)}</Message>
              <RequestId>{requestId}</RequestId>
              <HostId>{context.Request.Host.Value}</HostId>
              <EC>0002-00000000</EC>
            </Error>
            """;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers["x-oss-err"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));
            return;
        }

        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(xml);
    }
}
