using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace RoleplayHub.Storage.Cloud;

/// <summary>
/// Any S3-compatible bucket through AWSSDK.S3 (AWS SigV4): OSS's S3 endpoint (<c>https://s3.oss-cn-hangzhou.aliyuncs.com</c>,
/// virtual-hosted), MinIO or AWS. OSS rejects aws-chunked uploads, so chunk encoding and the SDK's default trailing
/// checksums are off (../shared/docs/aliyun-protocols.md §5.6).
/// </summary>
public sealed class S3ObjectStorage : IObjectStorage, IDisposable
{

    private readonly AmazonS3Client _client;
    private readonly ObjectStoreOptions _options;
    private readonly TimeProvider _time;

    public S3ObjectStorage(ObjectStoreOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint!.AbsoluteUri,
            ForcePathStyle = options.PathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0, // CloudMediaStore retries, as for every bucket
        };
        AWSCredentials credentials = string.IsNullOrEmpty(options.SecurityToken)
            ? new BasicAWSCredentials(options.AccessKeyId, options.AccessKeySecret)
            : new SessionAWSCredentials(options.AccessKeyId, options.AccessKeySecret, options.SecurityToken);
        _client = new AmazonS3Client(credentials, config);
    }

    public async Task PutAsync(string key, Stream content, long length, string contentType, byte[] md5, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = new KeepOpenStream(content),
            AutoCloseStream = false,
            ContentType = contentType,
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
        };
        request.Headers.ContentLength = length;
        try
        {
            await _client.PutObjectAsync(request, cancellationToken);
        }
        catch (AmazonServiceException ex)
        {
            throw new HttpRequestException($"The S3 endpoint answered HTTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}", ex, ex.StatusCode);
        }
        catch (AmazonClientException ex)
        {
            throw new HttpRequestException($"The S3 endpoint {_options.Endpoint?.Host} could not be reached: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"The S3 endpoint {_options.Endpoint?.Host} did not answer in time: {ex.Message}", ex);
        }
    }

    public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken) => CallAsync<Stream?>(async () =>
    {
        try
        {
            using var response = await _client.GetObjectAsync(_options.Bucket, key, cancellationToken);
            var content = new MemoryStream();
            await response.ResponseStream.CopyToAsync(content, cancellationToken);
            content.Position = 0;
            return content;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        CallAsync(async () => await _client.DeleteObjectAsync(_options.Bucket, key, cancellationToken), cancellationToken);

    /// <summary>The SDK's failures as the <see cref="HttpRequestException"/>s <see cref="CloudMediaStore"/> retries.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException ex)
        {
            throw new HttpRequestException($"The S3 endpoint answered HTTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}", ex, ex.StatusCode);
        }
        catch (AmazonClientException ex)
        {
            throw new HttpRequestException($"The S3 endpoint {_options.Endpoint?.Host} could not be reached: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"The S3 endpoint {_options.Endpoint?.Host} did not answer in time: {ex.Message}", ex);
        }
    }

    /// <summary>SigV4 signs the host, so the URL is on <see cref="ObjectStoreOptions.Endpoint"/> (a
    /// <c>PublicEndpoint</c> applies to OSS only).</summary>
    public string PresignGet(string key, TimeSpan lifetime) =>
        _client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = _time.GetUtcNow().Add(lifetime).UtcDateTime,
            Protocol = _options.Endpoint!.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        });

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(_options.Bucket, _options.Prefix + ".ready", cancellationToken);
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null; // endpoint, bucket and credentials work; the probe key need not exist
        }
        catch (AmazonServiceException ex)
        {
            return $"S3 bucket {_options.Bucket} answered HTTP {(int)ex.StatusCode} {ex.ErrorCode}";
        }
        catch (AmazonClientException ex)
        {
            return $"S3 endpoint {_options.Endpoint?.Host} is unreachable: {ex.Message}";
        }
    }

    public void Dispose() => _client.Dispose();
}
