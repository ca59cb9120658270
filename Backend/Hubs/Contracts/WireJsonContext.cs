using System.Text.Json.Serialization;
using RoleplayHub.Hubs.AudioSocket;

namespace RoleplayHub.Hubs.Contracts;

/// <summary>
/// The server → client payloads with generated writers. Every turn sends a dozen of them; through the hub protocol's
/// reflection metadata each nested object cost a serializer stack, while the generated writers write straight through.
/// Its options are the hub protocol's own (camelCase, nothing ignored by default), which is what lets System.Text.Json
/// use the generated writers with them (<see cref="HubJson"/>).
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
[JsonSerializable(typeof(AudioSocketEvent))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
