using MessagePack;
using MessagePack.Formatters;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// The events every turn sends (<c>transcription</c>, <c>ai-response-delta</c>, <c>ai-response</c>,
/// <c>avatar-response</c>) written straight to MessagePack, in the fields, names and order of their JSON form, as
/// <see cref="AudioReceivedEventFormatter"/> writes the acknowledgement: through their JSON contract each cost a JSON
/// write and a token-by-token read. <c>MessagePackContractTests</c> holds each equal to its JSON form, every field set;
/// a field added to one of these events fails it until it is written here too.
/// </summary>
internal static class TurnEventFormatters
{
    public static void WriteTimings(ref MessagePackWriter writer, TurnTimings timings)
    {
        writer.WriteMapHeader(9);
        WriteField(ref writer, "queueMs"u8, timings.QueueMs);
        WriteField(ref writer, "sttMs"u8, timings.SttMs);
        WriteField(ref writer, "aiMs"u8, timings.AiMs);
        WriteField(ref writer, "ttsMs"u8, timings.TtsMs);
        WriteField(ref writer, "storeMs"u8, timings.StoreMs);
        WriteField(ref writer, "totalMs"u8, timings.TotalMs);
        WriteField(ref writer, "transcriptMs"u8, timings.TranscriptMs);
        WriteField(ref writer, "firstTokenMs"u8, timings.FirstTokenMs);
        WriteField(ref writer, "firstAudioMs"u8, timings.FirstAudioMs);
    }

    public static void WriteWords(ref MessagePackWriter writer, IReadOnlyList<WordTiming>? words)
    {
        if (words is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(words.Count);
        foreach (var word in words)
        {
            writer.WriteMapHeader(3);
            writer.WriteString("word"u8);
            writer.Write(word.Word);
            writer.WriteString("startMs"u8);
            writer.Write(word.StartMs);
            writer.WriteString("endMs"u8);
            writer.Write(word.EndMs);
        }
    }

    public static void WriteVisemes(ref MessagePackWriter writer, IReadOnlyList<VisemeCue>? visemes)
    {
        if (visemes is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(visemes.Count);
        foreach (var cue in visemes)
        {
            writer.WriteMapHeader(2);
            writer.WriteString("t"u8);
            writer.Write(cue.T);
            writer.WriteString("v"u8);
            writer.Write(cue.V);
        }
    }

    private static void WriteField(ref MessagePackWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        writer.WriteString(name);
        if (value is { } ms)
        {
            writer.Write(ms);
        }
        else
        {
            writer.WriteNil();
        }
    }
}

/// <summary><c>transcription</c>, partial and final (see <see cref="TurnEventFormatters"/>).</summary>
internal sealed class TranscriptionEventFormatter : IMessagePackFormatter<TranscriptionEvent?>
{
    public void Serialize(ref MessagePackWriter writer, TranscriptionEvent? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(8);
        writer.WriteString("sessionId"u8);
        writer.Write(value.SessionId);
        writer.WriteString("turn"u8);
        writer.Write(value.Turn);
        writer.WriteString("text"u8);
        writer.Write(value.Text);
        writer.WriteString("isFinal"u8);
        writer.Write(value.IsFinal);
        writer.WriteString("words"u8);
        TurnEventFormatters.WriteWords(ref writer, value.Words);
        writer.WriteString("timings"u8);
        TurnEventFormatters.WriteTimings(ref writer, value.Timings);
        writer.WriteString("timestamp"u8);
        writer.Write(value.Timestamp);
        writer.WriteString("seq"u8);
        writer.Write(value.Seq);
    }

    public TranscriptionEvent? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("transcription is a server → client payload only.");
}

/// <summary><c>ai-response-delta</c>, a piece of the reply as the model writes it (see
/// <see cref="TurnEventFormatters"/>).</summary>
internal sealed class AiResponseDeltaEventFormatter : IMessagePackFormatter<AiResponseDeltaEvent?>
{
    public void Serialize(ref MessagePackWriter writer, AiResponseDeltaEvent? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(5);
        writer.WriteString("sessionId"u8);
        writer.Write(value.SessionId);
        writer.WriteString("turn"u8);
        writer.Write(value.Turn);
        writer.WriteString("index"u8);
        writer.Write(value.Index);
        writer.WriteString("text"u8);
        writer.Write(value.Text);
        writer.WriteString("timestamp"u8);
        writer.Write(value.Timestamp);
    }

    public AiResponseDeltaEvent? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("ai-response-delta is a server → client payload only.");
}

/// <summary><c>ai-response</c>; <c>cut</c> and <c>textOnly</c> appear only when true, as in JSON (see
/// <see cref="TurnEventFormatters"/>).</summary>
internal sealed class AiResponseEventFormatter : IMessagePackFormatter<AiResponseEvent?>
{
    public void Serialize(ref MessagePackWriter writer, AiResponseEvent? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(8 + (value.Cut ? 1 : 0) + (value.TextOnly ? 1 : 0));
        writer.WriteString("sessionId"u8);
        writer.Write(value.SessionId);
        writer.WriteString("turn"u8);
        writer.Write(value.Turn);
        writer.WriteString("text"u8);
        writer.Write(value.Text);
        writer.WriteString("turnCount"u8);
        writer.Write(value.TurnCount);
        writer.WriteString("maxTurns"u8);
        writer.Write(value.MaxTurns);
        writer.WriteString("timings"u8);
        TurnEventFormatters.WriteTimings(ref writer, value.Timings);
        writer.WriteString("timestamp"u8);
        writer.Write(value.Timestamp);
        if (value.Cut)
        {
            writer.WriteString("cut"u8);
            writer.Write(true);
        }

        if (value.TextOnly)
        {
            writer.WriteString("textOnly"u8);
            writer.Write(true);
        }

        writer.WriteString("seq"u8);
        writer.Write(value.Seq);
    }

    public AiResponseEvent? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("ai-response is a server → client payload only.");
}

/// <summary><c>avatar-response</c>, a segment of the reply's speech (see <see cref="TurnEventFormatters"/>).</summary>
internal sealed class AvatarResponseEventFormatter : IMessagePackFormatter<AvatarResponseEvent?>
{
    public void Serialize(ref MessagePackWriter writer, AvatarResponseEvent? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(13);
        writer.WriteString("sessionId"u8);
        writer.Write(value.SessionId);
        writer.WriteString("turn"u8);
        writer.Write(value.Turn);
        writer.WriteString("segment"u8);
        writer.Write(value.Segment);
        writer.WriteString("isLast"u8);
        writer.Write(value.IsLast);
        writer.WriteString("text"u8);
        writer.Write(value.Text);
        writer.WriteString("audioUrl"u8);
        writer.Write(value.AudioUrl);
        writer.WriteString("videoUrl"u8);
        writer.Write(value.VideoUrl);
        writer.WriteString("duration"u8);
        writer.Write(value.Duration);
        writer.WriteString("mimeType"u8);
        writer.Write(value.MimeType);
        writer.WriteString("visemes"u8);
        TurnEventFormatters.WriteVisemes(ref writer, value.Visemes);
        writer.WriteString("timings"u8);
        TurnEventFormatters.WriteTimings(ref writer, value.Timings);
        writer.WriteString("timestamp"u8);
        writer.Write(value.Timestamp);
        writer.WriteString("seq"u8);
        writer.Write(value.Seq);
    }

    public AvatarResponseEvent? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("avatar-response is a server → client payload only.");
}
