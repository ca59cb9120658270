using System.Buffers.Binary;

namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// The audio socket's messages (docs/hub-contract.md, "The audio socket"). Client → server: a binary message is one
/// chunk, its byte offset in the session's audio (little-endian int64; −1 appends) followed by the audio; the text
/// message <c>commit</c> ends the utterance (the hub's <c>commit-audio</c>, in order with the audio). Server → client: a
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
}

/// <summary>A text message from the server: an event named as on the hub, with the hub's payload (serialised by its
/// runtime type).</summary>
internal sealed record AudioSocketEvent(string Type, object Data);
