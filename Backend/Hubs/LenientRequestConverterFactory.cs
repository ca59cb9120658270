using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>
/// Binds the infrequent requests (<c>start-session</c>, <c>commit-audio</c>, <c>end-session</c>) without ever
/// failing the invocation: a payload of the wrong shape becomes a request whose <see cref="HubRequest.BindingError"/>
/// says what was wrong, which the hub turns into an <c>error</c> event.
/// </summary>
public sealed class LenientRequestConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsSubclassOf(typeof(HubRequest)) && typeToConvert != typeof(AudioChunkRequest) && !typeToConvert.IsAbstract;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        // The inner options are the hub's options binding by reflection alone (the hub's resolver hands requests to
        // this factory: HubJson), so the real binding runs inside.
        var inner = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

        return (JsonConverter)Activator.CreateInstance(typeof(LenientConverter<>).MakeGenericType(typeToConvert), inner)!;
    }

    private sealed class LenientConverter<T>(JsonSerializerOptions inner) : JsonConverter<T>
        where T : HubRequest, new()
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new T { BindingError = "the payload must be a JSON object." };
            }

            try
            {
                return document.RootElement.Deserialize<T>(inner) ?? new T { BindingError = "the payload is empty." };
            }
            catch (JsonException ex)
            {
                var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "the payload" : ex.Path.TrimStart('$', '.');
                return new T { BindingError = $"{where} has the wrong type." };
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, inner);
    }
}
