using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>
/// The hub's payload options: requests read by their own converters, events written by generated writers, anything
/// else by reflection. The request converters come from a resolver rather than the options' converter list because
/// System.Text.Json uses generated writers only with options that list no converters and name no encoder.
/// </summary>
internal static class HubJson
{
    public static void Configure(JsonSerializerOptions options, int maxChunkBytes)
    {
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(new RequestConverters(maxChunkBytes), WireJsonContext.Default, new DefaultJsonTypeInfoResolver());

        // The protocol's defaults name JavaScriptEncoder.Default, which is what a writer uses without one: the same
        // escaping, but an encoder named at all also keeps System.Text.Json off the generated writers.
        options.Encoder = null;
    }

    /// <summary>The requests' converters: <c>audio-chunk</c> read by hand, the other requests leniently.</summary>
    private sealed class RequestConverters(int maxChunkBytes) : IJsonTypeInfoResolver
    {
        private readonly LenientRequestConverterFactory _lenient = new();

        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            if (type == typeof(AudioChunkRequest))
            {
                return JsonMetadataServices.CreateValueInfo<AudioChunkRequest>(options, new AudioChunkRequestConverter(maxChunkBytes));
            }

            return _lenient.CanConvert(type) ? ValueInfo(type, options, _lenient.CreateConverter(type, options)) : null;
        }

        private static JsonTypeInfo ValueInfo(Type type, JsonSerializerOptions options, JsonConverter converter) =>
            (JsonTypeInfo)typeof(JsonMetadataServices).GetMethod(nameof(JsonMetadataServices.CreateValueInfo))!
                .MakeGenericMethod(type).Invoke(null, [options, converter])!;
    }
}
