using MessagePack;
using RoleplayHub.Core;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// A server → client payload's field written to MessagePack as its JSON form has it: the camelCase name, then the
/// value (null as nil; the nested timings, words and visemes as maps with their JSON names), for the formatters that
/// write a payload straight (<c>TurnEventFormatters.cs</c>, <see cref="AudioReceivedEventFormatter"/>).
/// </summary>
internal static class EventFields
{
    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        writer.WriteString(name);
        writer.Write(value);
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, int value)
    {
        writer.WriteString(name);
        writer.Write(value);
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, long value)
    {
        writer.WriteString(name);
        writer.Write(value);
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, bool value)
    {
        writer.WriteString(name);
        writer.Write(value);
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        writer.WriteString(name);
        if (value is { } number)
        {
            writer.Write(number);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, TurnTimings timings)
    {
        writer.WriteString(name);
        writer.WriteMapHeader(9);
        Field(ref writer, "queueMs"u8, timings.QueueMs);
        Field(ref writer, "sttMs"u8, timings.SttMs);
        Field(ref writer, "aiMs"u8, timings.AiMs);
        Field(ref writer, "ttsMs"u8, timings.TtsMs);
        Field(ref writer, "storeMs"u8, timings.StoreMs);
        Field(ref writer, "totalMs"u8, timings.TotalMs);
        Field(ref writer, "transcriptMs"u8, timings.TranscriptMs);
        Field(ref writer, "firstTokenMs"u8, timings.FirstTokenMs);
        Field(ref writer, "firstAudioMs"u8, timings.FirstAudioMs);
    }

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<WordTiming>? words) =>
        ListField(ref writer, name, words, static (ref writer, word) =>
        {
            writer.WriteMapHeader(3);
            Field(ref writer, "word"u8, word.Word);
            Field(ref writer, "startMs"u8, word.StartMs);
            Field(ref writer, "endMs"u8, word.EndMs);
        });

    public static void Field(ref MessagePackWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<VisemeCue>? visemes) =>
        ListField(ref writer, name, visemes, static (ref writer, cue) =>
        {
            writer.WriteMapHeader(2);
            Field(ref writer, "t"u8, cue.T);
            Field(ref writer, "v"u8, cue.V);
        });

    private static void ListField<T>(ref MessagePackWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<T>? items, ItemWriter<T> write)
    {
        writer.WriteString(name);
        if (items is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(items.Count);
        foreach (var item in items)
        {
            write(ref writer, item);
        }
    }

    private delegate void ItemWriter<in T>(ref MessagePackWriter writer, T item);
}
