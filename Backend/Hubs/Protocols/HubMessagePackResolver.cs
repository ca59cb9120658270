using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// The MessagePack hub protocol's serializer options: the two per-chunk payloads and the events every turn sends have
/// formatters of their own (<c>TurnEventFormatters.cs</c>), every other hub payload goes through its JSON contract
/// (<see cref="JsonContractFormatter{T}"/>), and anything else falls back to SignalR's default resolvers.
/// Untrusted-data security is on, as in SignalR's defaults.
/// </summary>
internal sealed class HubMessagePackResolver(JsonSerializerOptions json, int maxChunkBytes) : IFormatterResolver
{
    // The payloads with formatters of their own; every other type of the contracts gets its JSON contract's, made
    // when first asked for.
    private readonly Dictionary<Type, object> _formatters = new()
    {
        [typeof(AudioChunkRequest)] = new AudioChunkRequestFormatter(maxChunkBytes),
        [typeof(AudioReceivedEvent)] = new AudioReceivedEventFormatter(new JsonContractFormatter<AudioReceivedEvent?>(json)),
        [typeof(TranscriptionEvent)] = new TranscriptionEventFormatter(),
        [typeof(AiResponseDeltaEvent)] = new AiResponseDeltaEventFormatter(),
        [typeof(AiResponseEvent)] = new AiResponseEventFormatter(),
        [typeof(AvatarResponseEvent)] = new AvatarResponseEventFormatter(),
    };
    private readonly Lock _gate = new();

    public static MessagePackSerializerOptions Options(JsonSerializerOptions json, int maxChunkBytes) =>
        MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(new HubMessagePackResolver(json, maxChunkBytes), DynamicEnumAsStringResolver.Instance, ContractlessStandardResolver.Instance))
            .WithSecurity(MessagePackSecurity.UntrustedData);

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        if (typeof(T).Namespace != typeof(HubRequest).Namespace)
        {
            return null;
        }

        lock (_gate)
        {
            if (!_formatters.TryGetValue(typeof(T), out var formatter))
            {
                formatter = new JsonContractFormatter<T>(json);
                _formatters[typeof(T)] = formatter;
            }

            return (IMessagePackFormatter<T>)formatter;
        }
    }
}
