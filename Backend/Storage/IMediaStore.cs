namespace RoleplayHub.Storage;

/// <summary>Where turn audio lives: the avatar's speech, addressed by its content (a persona's line said again is
/// stored once), and the user's own recordings, each under a random name; handed to clients as signed, expiring URLs.</summary>
public interface IMediaStore
{
    string Name { get; }

    ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken);

    /// <summary>Stores a finished local file under <paramref name="name"/>, random bytes of its own (a recording: no
    /// two are the same audio, so there is no copy to find and nothing to hash). A file written where
    /// <see cref="PlaceFor"/> said is stored as it is, and is the store's from then on. Any other the store may move
    /// into place; if it is still at <paramref name="path"/> afterwards it is the caller's again (to reuse or
    /// delete).</summary>
    ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken);

    /// <summary>Where a file to be stored under <paramref name="name"/> can be written so that storing it moves
    /// nothing: the store's own file for that key, its folder made. Null (the default) when the store keeps its media
    /// elsewhere, as a bucket does: the file is then written to a temporary one and uploaded.</summary>
    string? PlaceFor(MediaKind kind, byte[] name, string extension) => null;

    /// <summary>A URL a browser can fetch without credentials until it expires. <paramref name="baseUrl"/>
    /// (scheme://host/pathBase of the client's connection) makes local URLs absolute.</summary>
    string GetUrl(string key, string? baseUrl);

    /// <summary>The stored bytes of <paramref name="key"/>, or null when the store does not have it (swept, deleted).
    /// For exports; the caller disposes the stream.</summary>
    ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException($"{Name} cannot read media back.");

    /// <summary>Removes <paramref name="key"/>; a key that is not there is not an error (deleting twice is safe).
    /// An avatar's key is a content address shared by identical audio: the caller decides that no one else uses it.</summary>
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

    /// <summary>The key every store uses: <c>{kind folder}/{first two hex digits}/{address hex}.{ext}</c>, the address
    /// the content's SHA-256 or a recording's random name.</summary>
    public static string KeyFor(MediaKind kind, byte[] address, string extension)
    {
        // The hex digits on the stack: a key is made for every clip and recording stored, and the key is its only string.
        Span<char> hex = stackalloc char[address.Length * 2];
        Convert.TryToHexStringLower(address, hex, out _);
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
