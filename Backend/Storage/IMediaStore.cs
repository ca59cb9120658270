namespace RoleplayHub.Storage;

/// <summary>Where turn audio lives: the avatar's speech and the user's own recording, addressed by content and
/// handed to clients as signed, expiring URLs.</summary>
public interface IMediaStore
{
    string Name { get; }

    ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken);

    /// <summary>Stores a finished local file. The store may move the file into place; if it is still at
    /// <paramref name="path"/> afterwards it is the caller's again (to reuse or delete). <paramref name="address"/>,
    /// when the caller hashed the content as it wrote it (a recording: the SHA-256 of its samples, which its WAV header
    /// follows from), is the content address, and the store need not read the file back to hash it.</summary>
    ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[]? address, CancellationToken cancellationToken);

    /// <summary>A URL a browser can fetch without credentials until it expires. <paramref name="baseUrl"/>
    /// (scheme://host/pathBase of the client's connection) makes local URLs absolute.</summary>
    string GetUrl(string key, string? baseUrl);

    /// <summary>The stored bytes of <paramref name="key"/>, or null when the store does not have it (swept, deleted).
    /// For exports; the caller disposes the stream.</summary>
    ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException($"{Name} cannot read media back.");

    /// <summary>Removes <paramref name="key"/>; a key that is not there is not an error (deleting twice is safe).
    /// Keys are content addresses shared by identical audio: the caller decides that no one else uses it.</summary>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException($"{Name} cannot delete media.");
}

public enum MediaKind
{
    UserAudio,
    AvatarAudio,
    AvatarVideo,
}

/// <summary>A stored object: its key (stable, for the history) and what it is.</summary>
public sealed record StoredMedia(string Key, string MimeType, long Length);

public static class MediaTypes
{
    public static string ForExtension(string extension) => extension.TrimStart('.').ToLowerInvariant() switch
    {
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" or "opus" => "audio/ogg",
        "webm" => "audio/webm",
        "pcm" => "audio/L16",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    };

    /// <summary>The content address every store uses: <c>{kind folder}/{first two hex digits}/{sha256 hex}.{ext}</c>.</summary>
    public static string KeyFor(MediaKind kind, byte[] sha256, string extension)
    {
        // The hex digits on the stack: a key is made for every clip and recording stored, and the key is its only string.
        Span<char> hex = stackalloc char[sha256.Length * 2];
        Convert.TryToHexStringLower(sha256, hex, out _);
        return $"{Folder(kind)}/{hex[..2]}/{hex}.{extension.TrimStart('.').ToLowerInvariant()}";
    }

    public static string Folder(MediaKind kind) => kind switch
    {
        MediaKind.UserAudio => "user",
        MediaKind.AvatarAudio => "avatar",
        MediaKind.AvatarVideo => "video",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
