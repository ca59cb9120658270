using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Storage;

/// <summary>
/// Media files under <c>{DataDirectory}/media</c>, named by the SHA-256 of their content (identical audio is stored
/// once) or by the name a recording brings (and is written under, <see cref="PlaceFor"/>), served by
/// <see cref="MediaEndpoints"/> through signed URLs and removed by <see cref="MediaSweeper"/>.
/// </summary>
public sealed class LocalMediaStore(IOptions<MediaOptions> options, DataDirectory data, MediaUrlSigner signer) : IMediaStore
{
    private readonly string _root = Directory.CreateDirectory(data.Resolve(options.Value.Directory)).FullName;
    private readonly TimeSpan _keepEvery = options.Value.Retention / 10;

    // The key folders made so far ("user/ab"): a store creates each once, not on every save (a system call per turn).
    // A folder removed behind the store's back is made again when a write into it fails.
    private readonly ConcurrentDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _folders =
        new ConcurrentDictionary<string, byte>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public string Name => "local";

    public string Root => _root;

    public async ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken)
    {
        var key = MediaTypes.KeyFor(kind, SHA256.HashData(content.Span), extension);
        var path = PathOf(key);
        var stored = new FileInfo(path); // one stat says whether it is there and when it was last kept
        if (stored.Exists)
        {
            // Still in use: kept past the retention sweep. Once in a tenth of the retention is enough, and spares a
            // persona's line said again a system call on every turn.
            var now = DateTime.UtcNow;
            if (now - stored.LastWriteTimeUtc > _keepEvery)
            {
                File.SetLastWriteTimeUtc(path, now);
            }
        }
        else
        {
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            await using (var file = InFolder(key, temp, static temp => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous)))
            {
                await file.WriteAsync(content, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }

        return new StoredMedia(key, MediaTypes.ForExtension(extension), content.Length);
    }

    public ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        var key = MediaTypes.KeyFor(kind, name, extension);
        var target = PathOf(key);
        if (path != target) // a file written where it stays (PlaceFor) is stored as it is
        {
            InFolder(key, (path, target), static move =>
            {
                File.Move(move.path, move.target, overwrite: true);
                return true;
            });
        }

        return ValueTask.FromResult(new StoredMedia(key, MediaTypes.ForExtension(extension), length));
    }

    /// <summary>The file of <paramref name="name"/>'s key, its folder made: a recording written there is stored
    /// without a move (a rename costs more than the rest of storing it). Until it is stored no key names it, so a
    /// recording thrown away can be written over or deleted; one a killed process left half-written goes with the
    /// retention sweep.</summary>
    public string? PlaceFor(MediaKind kind, byte[] name, string extension)
    {
        var key = MediaTypes.KeyFor(kind, name, extension);
        return InFolder(key, key, PathOf);
    }

    public string GetUrl(string key, string? baseUrl) => signer.Sign(key, baseUrl);

    public ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ValueTask.FromResult<Stream?>(TryGetPath(key) is { } path
                ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan)
                : null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
    }

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathFor(key)); // a missing file is not an error
        return ValueTask.CompletedTask;
    }

    /// <summary>The file behind a key, or null if the key is malformed (never a path outside the store).</summary>
    public string? TryGetPath(string key)
    {
        if (key.Length > 200 || key.Contains("..", StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal) || Path.IsPathRooted(key))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(_root, key));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }

    private string PathFor(string key) => TryGetPath(key) ?? throw new InvalidOperationException($"Invalid media key '{key}'.");

    /// <summary>The file of a key this store made (<see cref="MediaTypes.KeyFor"/>: a fixed folder, hex digits and an
    /// extension), so it needs none of <see cref="TryGetPath"/>'s checks.</summary>
    private string PathOf(string key) => Path.Join(_root, key);

    /// <summary>Runs <paramref name="write"/> in <paramref name="key"/>'s folder, made first if this store has not made
    /// it yet, or again if the write finds it gone.</summary>
    private TResult InFolder<TState, TResult>(string key, TState state, Func<TState, TResult> write)
    {
        var folder = key.AsSpan(0, key.LastIndexOf('/'));
        if (!_folders.ContainsKey(folder))
        {
            Directory.CreateDirectory(Path.Join(_root, folder));
            _folders.TryAdd(folder, 0);
        }

        try
        {
            return write(state);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.Join(_root, folder));
            return write(state);
        }
    }
}
