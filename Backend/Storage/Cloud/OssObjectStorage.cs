using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;

namespace RoleplayHub.Storage.Cloud;

/// <summary>
/// The native OSS API on HttpClient (../shared/docs/aliyun-protocols.md §5): PutObject signed with V4
/// (<c>OSS4-HMAC-SHA256</c>, unsigned payload with a Content-MD5 the server checks) and V4 presigned GET URLs.
/// Virtual-hosted addressing (<c>bucket.oss-region.aliyuncs.com</c>) unless <see cref="ObjectStoreOptions.PathStyle"/>.
/// It owns <paramref name="http"/>.
/// </summary>
public sealed class OssObjectStorage(HttpClient http, ObjectStoreOptions options, TimeProvider time) : IObjectStorage, IDisposable
{
    public async Task PutAsync(string key, Stream content, long length, string contentType, byte[] md5, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ObjectUri(options.Endpoint!, key, query: null))
        {
            Content = new StreamContent(new KeepOpenStream(content)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentMD5 = md5;
        Sign(request, "PUT", key, contentType, Convert.ToBase64String(md5));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's timeout (a TaskCanceledException), not the caller's cancellation.
            throw new HttpRequestException($"OSS PutObject timed out: {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, cancellationToken);
            }
        }
    }

    public async Task<Stream?> GetAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, key, "GetObject", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }

        var content = new MemoryStream();
        await response.Content.CopyToAsync(content, cancellationToken);
        content.Position = 0;
        return content;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, key, "DeleteObject", cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw await ErrorAsync(response, cancellationToken);
        }
    }

    /// <summary>A signed request without a body; the client's timeout becomes an <see cref="HttpRequestException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string key, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ObjectUri(options.Endpoint!, key, query: null));
        Sign(request, method.Method, key, contentType: null, contentMd5: null);
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"OSS {operation} timed out: {ex.Message}", ex);
        }
    }

    public string PresignGet(string key, TimeSpan lifetime)
    {
        var query = OssSigner.V4PresignedQuery(options.AccessKeyId!, options.AccessKeySecret!, options.Region, time.GetUtcNow(), lifetime,
            "GET", options.Bucket, key, options.SecurityToken);
        return ObjectUri(options.PublicEndpoint ?? options.Endpoint!, key, query).AbsoluteUri;
    }

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        // A signed HEAD of a key that need not exist: 404 proves endpoint, bucket and credentials; 403 does not.
        const string probe = ".ready";
        using var request = new HttpRequestMessage(HttpMethod.Head, ObjectUri(options.Endpoint!, PrefixedKey(probe), query: null));
        Sign(request, "HEAD", PrefixedKey(probe), contentType: null, contentMd5: null);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound
                ? null
                : $"OSS bucket {options.Bucket} answered HTTP {(int)response.StatusCode} {Err(response)}";
        }
        catch (HttpRequestException ex)
        {
            return $"OSS endpoint {options.Endpoint?.Host} is unreachable: {ex.Message}";
        }
    }

    public void Dispose() => http.Dispose();

    private string PrefixedKey(string name) => options.Prefix + name;

    private void Sign(HttpRequestMessage request, string verb, string key, string? contentType, string? contentMd5)
    {
        var now = time.GetUtcNow();
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-oss-date", OssSigner.V4Date(now)),
            new("x-oss-content-sha256", OssSigner.UnsignedPayload),
        };
        if (options.SecurityToken is { Length: > 0 } sts)
        {
            headers.Add(new("x-oss-security-token", sts));
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (contentType is not null)
        {
            headers.Add(new("content-type", contentType));
        }

        if (contentMd5 is not null)
        {
            headers.Add(new("content-md5", contentMd5));
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            OssSigner.V4Authorization(options.AccessKeyId!, options.AccessKeySecret!, options.Region, now, verb, options.Bucket, key, headers));
    }

    private Uri ObjectUri(Uri endpoint, string key, string? query)
    {
        var builder = new UriBuilder(endpoint) { Query = query ?? "" };
        if (options.PathStyle)
        {
            builder.Path = "/" + options.Bucket + "/" + OssSigner.EncodePath(key);
        }
        else
        {
            builder.Host = options.Bucket + "." + endpoint.Host;
            builder.Path = "/" + OssSigner.EncodePath(key);
        }

        return builder.Uri;
    }

    private static string Err(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-oss-err", out var values) ? values.First() : "";

    /// <summary>OSS errors are XML: <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;RequestId/&gt;…</c>.</summary>
    private static async Task<HttpRequestException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string code = "", message = body.Length > 200 ? body[..200] : body, requestId = "";
        try
        {
            var error = XDocument.Parse(body).Root;
            code = error?.Element("Code")?.Value ?? "";
            message = error?.Element("Message")?.Value ?? "";
            requestId = error?.Element("RequestId")?.Value ?? "";
        }
        catch (System.Xml.XmlException)
        {
        }

        return new HttpRequestException($"OSS answered HTTP {(int)response.StatusCode} {code}: {message} (request {requestId})", null, response.StatusCode);
    }
}
