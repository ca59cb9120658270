namespace RoleplayHub.LiveHttp;

/// <summary>The JSON form of <c>POST …/audio</c> as the OpenAPI document shows it; the body itself is read by the
/// hub's <c>audio-chunk</c> converter (<see cref="LiveAudioBody"/>), which this shape describes.</summary>
/// <param name="AudioData">The chunk's bytes, base64.</param>
/// <param name="Offset">Byte offset of the chunk in the session's audio stream; absent appends.</param>
public sealed record AudioChunkBody(string AudioData, long? Offset);
