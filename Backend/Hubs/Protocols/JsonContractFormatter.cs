using System.Buffers;
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
/// </summary>
internal sealed class JsonContractFormatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T?>
{
    private const int MaxDepth = 32;

    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options) =>
        Write(ref writer, JsonSerializer.SerializeToElement(value, json), 0);

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Read(ref reader, writer, 0);
        }

        return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, json);
    }

    private static void Write(ref MessagePackWriter writer, JsonElement element, int depth)
    {
        CheckDepth(depth);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    Write(ref writer, item, depth + 1);
                }

                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonValueKind.Number:
                writer.Write(element.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
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
