using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>
/// The events of <see cref="IRoleplayClient"/>, serialized by code System.Text.Json generates at build time instead of
/// its reflection-based converters. SignalR's JSON protocol writes several events per turn for every session; the
/// generated writers need no per-call stack of frames for nested objects, which the reflection path allocated for each
/// event. The options match SignalR's payload options (camelCase), so the generated writers are the ones used.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SessionStartedEvent))]
[JsonSerializable(typeof(AudioReceivedEvent))]
[JsonSerializable(typeof(SpeechStartedEvent))]
[JsonSerializable(typeof(SpeechStoppedEvent))]
[JsonSerializable(typeof(TranscriptionEvent))]
[JsonSerializable(typeof(ResponseInterruptedEvent))]
[JsonSerializable(typeof(ResponseResumedEvent))]
[JsonSerializable(typeof(AiResponseDeltaEvent))]
[JsonSerializable(typeof(AiResponseEvent))]
[JsonSerializable(typeof(AvatarResponseEvent))]
[JsonSerializable(typeof(SessionEndedEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(NoticeEvent))]
internal sealed partial class WireEventsJson : JsonSerializerContext
{
    /// <summary>Puts the generated serializers in front of <paramref name="options"/>' own resolver (reflection, for
    /// the hub methods' arguments and anything else).</summary>
    public static void Use(JsonSerializerOptions options)
    {
        // An encoder in the options counts as a custom one, which only the reflection path honours. The JSON hub
        // protocol writes every message through its own writer, whose encoder (the same relaxed one SignalR puts in
        // these options) is what escapes the values; without it here the generated writers run, and the bytes on
        // the wire are the same.
        options.Encoder = null;

        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
    }
}
