namespace RoleplayHub.Hubs;

/// <summary>The fields of an <c>audio-chunk</c> payload, as both hub protocols' readers name them.</summary>
internal enum AudioChunkField
{
    Unknown,
    SessionId,
    AudioData,
    Offset,
    TotalChunks,
    Commit,
}

internal static class AudioChunkFields
{
    /// <summary>A field by its UTF-8 name: the usual spellings are compared as bytes, so they cost no string.</summary>
    public static AudioChunkField Match(ReadOnlySpan<byte> utf8Name) =>
        utf8Name.SequenceEqual("audioData"u8) ? AudioChunkField.AudioData
        : utf8Name.SequenceEqual("sessionId"u8) ? AudioChunkField.SessionId
        : utf8Name.SequenceEqual("offset"u8) ? AudioChunkField.Offset
        : utf8Name.SequenceEqual("commit"u8) ? AudioChunkField.Commit
        : utf8Name.SequenceEqual("totalChunks"u8) ? AudioChunkField.TotalChunks
        : Match(System.Text.Encoding.UTF8.GetString(utf8Name));

    /// <summary>A field by its name in any casing: the JSON protocol binds case-insensitively, so both readers do.
    /// The readers compare the usual spellings as UTF-8 first; this is the rare path.</summary>
    public static AudioChunkField Match(string? name) => name switch
    {
        _ when string.Equals(name, "audioData", StringComparison.OrdinalIgnoreCase) => AudioChunkField.AudioData,
        _ when string.Equals(name, "sessionId", StringComparison.OrdinalIgnoreCase) => AudioChunkField.SessionId,
        _ when string.Equals(name, "offset", StringComparison.OrdinalIgnoreCase) => AudioChunkField.Offset,
        _ when string.Equals(name, "totalChunks", StringComparison.OrdinalIgnoreCase) => AudioChunkField.TotalChunks,
        _ when string.Equals(name, "commit", StringComparison.OrdinalIgnoreCase) => AudioChunkField.Commit,
        _ => AudioChunkField.Unknown,
    };
}
