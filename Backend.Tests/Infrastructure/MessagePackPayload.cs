using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// Turns an event payload the MessagePack protocol read as plain objects (maps as dictionaries, arrays, numbers,
/// strings, binary as <c>byte[]</c>) into the <see cref="JsonElement"/> the JSON protocol would have given, so one
/// set of assertions reads events from either protocol. Binary becomes base64 text, as System.Text.Json writes a
/// <c>byte[]</c>. Keys are kept as the server wrote them: the test sees the wire's names.
/// </summary>
public static class MessagePackPayload
{
    public static JsonElement ToJson(object? payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, payload);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case DateTime time:
                writer.WriteStringValue(time);
                break;
            case float or double or decimal:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                writer.WriteNumberValue(big);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"A MessagePack payload held a {value.GetType()}, which has no JSON form here.");
        }
    }
}
