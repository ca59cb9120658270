using MessagePack;
using MessagePack.Formatters;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// Writes <c>audio-received</c>, sent for every chunk, straight to MessagePack with the field names of its JSON form
/// (a test holds the two equal); <c>duplicate</c> appears only when true, as in JSON. The rare acknowledgement that
/// also carries new settings or warnings (a WAV header's) goes through the JSON contract, so no field is left out.
/// </summary>
internal sealed class AudioReceivedEventFormatter(IMessagePackFormatter<AudioReceivedEvent?> full) : IMessagePackFormatter<AudioReceivedEvent?>
{
    public void Serialize(ref MessagePackWriter writer, AudioReceivedEvent? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        if (value.AudioConfig is not null || value.Warnings is not null)
        {
            full.Serialize(ref writer, value, options);
            return;
        }

        writer.WriteMapHeader(value.Duplicate ? 6 : 5);
        writer.WriteString("sessionId"u8);
        writer.Write(value.SessionId);
        writer.WriteString("audioSize"u8);
        writer.Write(value.AudioSize);
        writer.WriteString("offset"u8);
        writer.Write(value.Offset);
        writer.WriteString("totalBytes"u8);
        writer.Write(value.TotalBytes);
        writer.WriteString("timestamp"u8);
        writer.Write(value.Timestamp);
        if (value.Duplicate)
        {
            writer.WriteString("duplicate"u8);
            writer.Write(true);
        }
    }

    public AudioReceivedEvent? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("audio-received is a server → client payload only.");
}
