namespace RoleplayHub.Storage.Cloud;

/// <summary>What the media store needs from a bucket: put, get and delete an object, and presign a GET for it.</summary>
public interface IObjectStorage
{
    /// <summary>Uploads an object, one try (<see cref="CloudMediaStore"/> retries). Failures throw
    /// <see cref="HttpRequestException"/>, with the status when the bucket answered (the pipeline reports
    /// <c>storage-failed</c>, the turn goes on).</summary>
    Task PutAsync(string key, Stream content, long length, string contentType, byte[] md5, CancellationToken cancellationToken);

    /// <summary>A URL that GETs the object without credentials until <paramref name="lifetime"/> has passed.</summary>
    string PresignGet(string key, TimeSpan lifetime);

    /// <summary>Downloads an object, one try; null when the bucket has no such key.</summary>
    Task<Stream?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes an object, one try; a missing key succeeds (both APIs answer 204).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Readiness: null when the bucket answers with our credentials, else what is wrong.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
