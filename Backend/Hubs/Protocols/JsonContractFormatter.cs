using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// Carries a hub payload over MessagePack with exactly the fields, names and converters it has over JSON: a value is
/// turned into its JSON form with the JSON protocol's own serializer options and written as the equivalent
/// MessagePack map, and read back the same way (a binary value becomes the base64 string the JSON form carries).
/// So the two protocols cannot drift apart, and the lenient request binding of the JSON protocol applies to both.
/// It costs a JSON round trip per payload, which is why the two per-chunk payloads have formatters of their own.
/// An event's JSON is written into a buffer the thread reuses and read token by token into MessagePack, its names and
/// strings copied as UTF-8: a parsed document and a string per name and value were most of what a session's events
/// allocated over MessagePack.
/// </summary>
internal sealed class JsonContractFormatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T?>
{
    private const int MaxDepth = 32;

    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        var scratch = JsonScratch.Rent();
        try
        {
            JsonSerializer.Serialize(scratch.Writer, value, json);
            scratch.Writer.Flush();
            var reader = new Utf8JsonReader(scratch.Buffer.WrittenSpan);
            reader.Read();
            Write(ref writer, ref reader, 0);
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var scratch = JsonScratch.Rent();
        try
        {
            Read(ref reader, scratch.Writer, 0);
            scratch.Writer.Flush();
            return JsonSerializer.Deserialize<T>(scratch.Buffer.WrittenSpan, json);
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }

    /// <summary>Writes the JSON value the reader is at (and reads past it to its last token).</summary>
    private static void Write(ref MessagePackWriter writer, ref Utf8JsonReader reader, int depth)
    {
        CheckDepth(depth);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteMapHeader(Members(reader));
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    WriteString(ref writer, ref reader);
                    reader.Read();
                    Write(ref writer, ref reader, depth + 1);
                }

                break;
            case JsonTokenType.StartArray:
                writer.WriteArrayHeader(Members(reader));
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Write(ref writer, ref reader, depth + 1);
                }

                break;
            case JsonTokenType.String:
                WriteString(ref writer, ref reader);
                break;
            case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonTokenType.Number:
                writer.Write(reader.GetDouble());
                break;
            case JsonTokenType.True:
                writer.Write(true);
                break;
            case JsonTokenType.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    /// <summary>How many members the object or array at <paramref name="probe"/> has (a MessagePack header comes before
    /// them): counted on a copy of the reader, stepping over nested values.</summary>
    private static int Members(Utf8JsonReader probe)
    {
        var isObject = probe.TokenType == JsonTokenType.StartObject;
        var count = 0;
        while (probe.Read() && probe.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
        {
            if (isObject)
            {
                probe.Read(); // from the name to its value
            }

            probe.Skip();
            count++;
        }

        return count;
    }

    /// <summary>A name or string as the UTF-8 of its unescaped text: what writing the string itself writes.</summary>
    private static void WriteString(ref MessagePackWriter writer, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteString(reader.ValueSpan);
            return;
        }

        // Unescaped, a value is never longer than its escaped form.
        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(rented);
            writer.WriteString(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Read(ref MessagePackReader reader, Utf8JsonWriter writer, int depth)
    {
        CheckDepth(depth);
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var properties = reader.ReadMapHeader();
                writer.WriteStartObject();
                for (var i = 0; i < properties; i++)
                {
                    if (reader.NextMessagePackType != MessagePackType.String)
                    {
                        throw new MessagePackSerializationException("A payload's field names must be strings.");
                    }

                    writer.WritePropertyName(reader.ReadString()!);
                    Read(ref reader, writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case MessagePackType.Array:
                var items = reader.ReadArrayHeader();
                writer.WriteStartArray();
                for (var i = 0; i < items; i++)
                {
                    Read(ref reader, writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case MessagePackType.String:
                writer.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Binary:
                var bytes = reader.ReadBytes()!.Value;
                writer.WriteBase64StringValue(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    writer.WriteNumberValue(reader.ReadUInt64());
                }
                else
                {
                    writer.WriteNumberValue(reader.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                writer.WriteNumberValue(reader.ReadDouble());
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            default:
                // Extension types (timestamps…) have no JSON form: a value of the wrong type, reported by the binding.
                reader.Skip();
                writer.WriteStartArray();
                writer.WriteEndArray();
                break;
        }
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException($"A payload may nest at most {MaxDepth} levels.");
        }
    }
}

/// <summary>A thread's reusable JSON buffer and writer for <see cref="JsonContractFormatter{T}"/>, both ways: one
/// payload is converted at a time on a thread, and a buffer grown for a large one (a coaching report) is kept for the
/// next.</summary>
internal sealed class JsonScratch
{
    [ThreadStatic]
    private static JsonScratch? _cached;

    private JsonScratch()
    {
        // Relaxed: only quotes, backslashes and control characters are escaped, so most text is copied as it is.
        Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

    public Utf8JsonWriter Writer { get; }

    public static JsonScratch Rent()
    {
        var scratch = _cached ?? new JsonScratch();
        _cached = null; // a nested use on this thread gets its own
        return scratch;
    }

    public static void Return(JsonScratch scratch)
    {
        scratch.Writer.Reset();
        scratch.Buffer.ResetWrittenCount();
        _cached = scratch;
    }
}
