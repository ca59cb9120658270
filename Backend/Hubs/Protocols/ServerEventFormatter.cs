using MessagePack;
using MessagePack.Formatters;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>A formatter of a server → client payload: writes a value (nil for null), never reads one.</summary>
internal abstract class ServerEventFormatter<T>(string name) : IMessagePackFormatter<T?>
    where T : class
{
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        Write(ref writer, value, options);
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException($"{name} is a server → client payload only.");

    protected abstract void Write(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options);
}
