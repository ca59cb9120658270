using MessagePack;
using RoleplayHub.Hubs.Contracts;
using static RoleplayHub.Hubs.Protocols.EventFields;

namespace RoleplayHub.Hubs.Protocols;

// The events every turn sends (transcription, ai-response-delta, ai-response, avatar-response) written straight to
// MessagePack, in the fields, names and order of their JSON form, as AudioReceivedEventFormatter writes the
// acknowledgement: through their JSON contract (JsonContractFormatter) each cost a JSON write and a token-by-token
// read. MessagePackContractTests holds each equal to its JSON form, every field set: a field added to one of these
// events fails it until it is written here too.

/// <summary><c>transcription</c>, partial and final (see the top of this file).</summary>
internal sealed class TranscriptionEventFormatter() : ServerEventFormatter<TranscriptionEvent>("transcription")
{
    protected override void Write(ref MessagePackWriter writer, TranscriptionEvent value, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(8);
        Field(ref writer, "sessionId"u8, value.SessionId);
        Field(ref writer, "turn"u8, value.Turn);
        Field(ref writer, "text"u8, value.Text);
        Field(ref writer, "isFinal"u8, value.IsFinal);
        Field(ref writer, "words"u8, value.Words);
        Field(ref writer, "timings"u8, value.Timings);
        Field(ref writer, "timestamp"u8, value.Timestamp);
        Field(ref writer, "seq"u8, value.Seq);
    }
}

/// <summary><c>ai-response-delta</c>, a piece of the reply as the model writes it (see the top of this
/// file).</summary>
internal sealed class AiResponseDeltaEventFormatter() : ServerEventFormatter<AiResponseDeltaEvent>("ai-response-delta")
{
    protected override void Write(ref MessagePackWriter writer, AiResponseDeltaEvent value, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(5);
        Field(ref writer, "sessionId"u8, value.SessionId);
        Field(ref writer, "turn"u8, value.Turn);
        Field(ref writer, "index"u8, value.Index);
        Field(ref writer, "text"u8, value.Text);
        Field(ref writer, "timestamp"u8, value.Timestamp);
    }
}

/// <summary><c>ai-response</c>; <c>cut</c> and <c>textOnly</c> appear only when true, as in JSON (see the top of this
/// file).</summary>
internal sealed class AiResponseEventFormatter() : ServerEventFormatter<AiResponseEvent>("ai-response")
{
    protected override void Write(ref MessagePackWriter writer, AiResponseEvent value, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(8 + (value.Cut ? 1 : 0) + (value.TextOnly ? 1 : 0));
        Field(ref writer, "sessionId"u8, value.SessionId);
        Field(ref writer, "turn"u8, value.Turn);
        Field(ref writer, "text"u8, value.Text);
        Field(ref writer, "turnCount"u8, value.TurnCount);
        Field(ref writer, "maxTurns"u8, value.MaxTurns);
        Field(ref writer, "timings"u8, value.Timings);
        Field(ref writer, "timestamp"u8, value.Timestamp);
        if (value.Cut)
        {
            Field(ref writer, "cut"u8, true);
        }

        if (value.TextOnly)
        {
            Field(ref writer, "textOnly"u8, true);
        }

        Field(ref writer, "seq"u8, value.Seq);
    }
}

/// <summary><c>avatar-response</c>, a segment of the reply's speech (see the top of this file).</summary>
internal sealed class AvatarResponseEventFormatter() : ServerEventFormatter<AvatarResponseEvent>("avatar-response")
{
    protected override void Write(ref MessagePackWriter writer, AvatarResponseEvent value, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(13);
        Field(ref writer, "sessionId"u8, value.SessionId);
        Field(ref writer, "turn"u8, value.Turn);
        Field(ref writer, "segment"u8, value.Segment);
        Field(ref writer, "isLast"u8, value.IsLast);
        Field(ref writer, "text"u8, value.Text);
        Field(ref writer, "audioUrl"u8, value.AudioUrl);
        Field(ref writer, "videoUrl"u8, value.VideoUrl);
        Field(ref writer, "duration"u8, value.Duration);
        Field(ref writer, "mimeType"u8, value.MimeType);
        Field(ref writer, "visemes"u8, value.Visemes);
        Field(ref writer, "timings"u8, value.Timings);
        Field(ref writer, "timestamp"u8, value.Timestamp);
        Field(ref writer, "seq"u8, value.Seq);
    }
}
