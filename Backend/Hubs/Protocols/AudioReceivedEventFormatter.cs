using MessagePack;
using MessagePack.Formatters;
using RoleplayHub.Hubs.Contracts;
using static RoleplayHub.Hubs.Protocols.EventFields;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// Writes <c>audio-received</c>, sent for every chunk, straight to MessagePack with the field names of its JSON form
/// (a test holds the two equal); <c>duplicate</c> appears only when true, as in JSON. The rare acknowledgement that
/// also carries new settings or warnings (a WAV header's) goes through the JSON contract, so no field is left out.
/// </summary>
internal sealed class AudioReceivedEventFormatter(IMessagePackFormatter<AudioReceivedEvent?> full) : ServerEventFormatter<AudioReceivedEvent>("audio-received")
{
    protected override void Write(ref MessagePackWriter writer, AudioReceivedEvent value, MessagePackSerializerOptions options)
    {
        if (value.AudioConfig is not null || value.Warnings is not null)
        {
            full.Serialize(ref writer, value, options);
            return;
        }

        writer.WriteMapHeader(value.Duplicate ? 6 : 5);
        Field(ref writer, "sessionId"u8, value.SessionId);
        Field(ref writer, "audioSize"u8, value.AudioSize);
        Field(ref writer, "offset"u8, value.Offset);
        Field(ref writer, "totalBytes"u8, value.TotalBytes);
        Field(ref writer, "timestamp"u8, value.Timestamp);
        if (value.Duplicate)
        {
            Field(ref writer, "duplicate"u8, true);
        }
    }
}
