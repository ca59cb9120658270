using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Storage;

/// <summary>The media store with injected faults (stage <c>media</c>) on saves: a late save, or a failed one (the
/// <see cref="HttpRequestException"/> a bucket gives) at once or after <c>Faults:Timeout</c>. Reads, deletes and URLs
/// pass through.</summary>
internal sealed class FaultyMediaStore(IMediaStore inner, FaultInjector faults) : IMediaStore
{
    public string Name => inner.Name;

    public async ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken)
    {
        await InjectAsync(cancellationToken);
        return await inner.SaveAsync(content, kind, extension, cancellationToken);
    }

    public async ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken)
    {
        await InjectAsync(cancellationToken);
        return await inner.SaveFileAsync(path, kind, extension, name, cancellationToken);
    }

    public string? PlaceFor(MediaKind kind, byte[] name, string extension) => inner.PlaceFor(kind, name, extension);

    public string GetUrl(string key, string? baseUrl) => inner.GetUrl(key, baseUrl);

    public ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    private async Task InjectAsync(CancellationToken cancellationToken)
    {
        switch (faults.Next("media", FaultKind.Delay, FaultKind.Error, FaultKind.Timeout))
        {
            case FaultKind.Delay:
                await Task.Delay(faults.Delay, cancellationToken);
                break;
            case FaultKind.Error:
                throw new HttpRequestException("The media store answered HTTP 503 (injected fault).", null, System.Net.HttpStatusCode.ServiceUnavailable);
            case FaultKind.Timeout:
                await Task.Delay(faults.Timeout, cancellationToken);
                throw new HttpRequestException("The media store timed out (injected fault).");
        }
    }
}
