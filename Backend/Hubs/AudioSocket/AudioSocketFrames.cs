using System.Buffers.Binary;

namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// The audio socket's messages (docs/hub-contract.md, "The audio socket"). Client → server: a binary message is one
/// chunk, its byte offset in the session's audio (little-endian int64; −1 appends) followed by the audio; the text
/// message <c>commit</c> ends the utterance (the hub's <c>commit-audio</c>, in order with the audio), and on a socket
/// opened with <c>keep</c> the text message <c>bind &lt;sessionId&gt;</c> moves it to another session. Server → client: a
/// binary message of 8 bytes acknowledges the audio up to that little-endian int64 (<c>receivedBytes</c>, what a resume
/// resends from); a text message is a JSON event, <c>{ "type": "audio-received" | "error", "data": … }</c>.
/// </summary>
internal static class AudioSocketFrames
{
    public const int OffsetBytes = sizeof(long);

    public const int AckBytes = sizeof(long);

    /// <summary>The chunk's offset, or null to append.</summary>
    public static long? Offset(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadInt64LittleEndian(message) is var offset and >= 0 ? offset : null;

    public static void WriteAck(Span<byte> destination, long receivedBytes) => BinaryPrimitives.WriteInt64LittleEndian(destination, receivedBytes);

    public static bool IsCommit(ReadOnlySpan<byte> text) => text.SequenceEqual("commit"u8);

    /// <summary>The session a <c>bind &lt;sessionId&gt;</c> message names (a kept socket's move to its next session), or
    /// null when the message is not one.</summary>
    public static string? BindTarget(ReadOnlySpan<byte> text) =>
        text.StartsWith("bind "u8) && text.Length > 5 && text.Length <= 5 + MaxSessionIdBytes ? System.Text.Encoding.UTF8.GetString(text[5..]) : null;

    /// <summary>Longer than any session id a client may choose.</summary>
    private const int MaxSessionIdBytes = 256;
}

/// <summary>A text message from the server: an event named as on the hub, with the hub's payload (serialised by its
/// runtime type).</summary>
internal sealed record AudioSocketEvent(string Type, object Data);
