using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RoleplayHub.Hubs;

namespace RoleplayHub.LiveHttp;

/// <summary>One message of a <c>text/event-stream</c>, ready to write; <see cref="Seq"/> is its event number (0: not
/// numbered, written without <c>id:</c>, so a reconnect's <c>Last-Event-ID</c> never points at it).</summary>
internal readonly record struct SseFrame(long Seq, byte[] Bytes)
{
    /// <summary>A comment line: EventSource ignores it; proxies see traffic.</summary>
    public static readonly SseFrame KeepAlive = new(0, ": keep-alive\n\n"u8.ToArray());
}

/// <summary>
/// Writes the hub's events as Server-Sent Events: <c>event:</c> is the hub's event name, <c>data:</c> the payload
/// serialized with the hub's own JSON options — the bytes a SignalR JSON client receives as the event's argument.
/// Compact JSON escapes line breaks inside strings, so every payload is one <c>data:</c> line.
/// </summary>
internal sealed class SseFrames(IOptions<JsonHubProtocolOptions> hubJson)
{
    private readonly JsonSerializerOptions _json = hubJson.Value.PayloadSerializerOptions;

    /// <summary>The wire payload <paramref name="payload"/>, numbered <paramref name="seq"/> (0: a transient event).</summary>
    public SseFrame Event(object payload, long seq)
    {
        var frame = new ArrayBufferWriter<byte>(512);
        if (seq > 0)
        {
            Write(frame, $"id: {seq}\n");
        }

        Write(frame, $"event: {WireEventNames.Of(payload)}\ndata: ");
        using (var writer = new Utf8JsonWriter(frame, new JsonWriterOptions { Encoder = _json.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, payload, payload.GetType(), _json);
        }

        Write(frame, "\n\n");
        return new SseFrame(seq, frame.WrittenSpan.ToArray());
    }

    private static void Write(ArrayBufferWriter<byte> frame, string text) => frame.Advance(Encoding.UTF8.GetBytes(text, frame.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
}
