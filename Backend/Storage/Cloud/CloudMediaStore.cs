using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Polly;
using RoleplayHub.Resilience;

namespace RoleplayHub.Storage.Cloud;

/// <summary>
/// Turn audio in a bucket (OSS or any S3-compatible store), under the same keys as the local store
/// (<c>{prefix}avatar/ab/ab…cd.wav</c>), handed out as presigned GET URLs that expire after
/// <see cref="MediaOptions.UrlLifetime"/>. The opening line of a scenario is the same audio in every session, so a
/// key uploaded recently is not uploaded again. An upload that fails transiently is tried again
/// (<see cref="CloudRetry"/>), from the start of its content, whichever bucket it goes to.
/// </summary>
public sealed class CloudMediaStore(string name, IObjectStorage storage, string prefix, IOptions<MediaOptions> options, TimeProvider time, ILogger logger) : IMediaStore, IDisposable
{
    private const int Attempts = 3;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _retry = CloudRetry.Create($"{name} upload", Attempts, IsTransient, time, logger);

    public string Name => name;

    internal IObjectStorage Storage => storage;

    public async ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken)
    {
        var key = MediaTypes.KeyFor(kind, SHA256.HashData(content.Span), extension);
        if (!IsRecent(key))
        {
            using var stream = MemoryMarshal.TryGetArray(content, out var array)
                ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
                : new MemoryStream(content.ToArray(), writable: false);
            await PutAsync(prefix + key, stream, content.Length, MediaTypes.ForExtension(extension), MD5.HashData(content.Span), cancellationToken);
            Remember(key);
        }

        return new StoredMedia(key, MediaTypes.ForExtension(extension), content.Length);
    }

    public async ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            // The upload's Content-MD5 needs a pass over the file. A named file (a recording) is its own: no copy was
            // uploaded before, and none is remembered for an upload that cannot come again.
            var md5 = await MD5.HashDataAsync(file, cancellationToken);
            file.Position = 0;
            var key = MediaTypes.KeyFor(kind, name, extension);
            await PutAsync(prefix + key, file, file.Length, MediaTypes.ForExtension(extension), md5, cancellationToken);
            return new StoredMedia(key, MediaTypes.ForExtension(extension), file.Length);
        }
    }

    /// <summary>Unreachable, timed out (no status), or a 5xx answer: another try may succeed.</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError };

    private async Task PutAsync(string key, Stream content, long length, string contentType, byte[] md5, CancellationToken cancellationToken)
    {
        var start = content.Position;
        await _retry.ExecuteAsync(async cancel =>
        {
            content.Position = start;
            await storage.PutAsync(key, content, length, contentType, md5, cancel);
        }, cancellationToken);
    }

    /// <summary>A presigned URL; <paramref name="baseUrl"/> is not needed, the bucket's endpoint is absolute.</summary>
    public string GetUrl(string key, string? baseUrl) => storage.PresignGet(prefix + key, options.Value.UrlLifetime);

    public async ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async cancel => await storage.GetAsync(prefix + key, cancel), cancellationToken);

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await _retry.ExecuteAsync(async cancel => await storage.DeleteAsync(prefix + key, cancel), cancellationToken);
        _recent.TryRemove(key, out _); // saved again later, it must be uploaded again
    }

    // Re-uploading at least daily keeps an object in use younger than the bucket's lifecycle rule.
    private bool IsRecent(string key) =>
        _recent.TryGetValue(key, out var at) && time.GetUtcNow() - at < TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, options.Value.Retention.Ticks / 2));

    private void Remember(string key)
    {
        if (_recent.Count > 10_000)
        {
            _recent.Clear();
        }

        _recent[key] = time.GetUtcNow();
    }

    public void Dispose() => (storage as IDisposable)?.Dispose();
}
