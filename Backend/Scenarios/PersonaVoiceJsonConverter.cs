using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoleplayHub.Scenarios;

/// <summary>
/// A persona's voice as scenario files write it: one object holding the shared settings (<c>gender</c>, <c>rate</c>,
/// <c>pitch</c>) and, under each provider's name, that provider's voice. Every other member must be a string; whether
/// its name is a provider with voices is checked when the file is validated (<see cref="PersonaVoiceOptions"/>).
/// </summary>
public sealed class PersonaVoiceJsonConverter : JsonConverter<PersonaVoice>
{
    private const string Gender = "gender";
    private const string Rate = "rate";
    private const string Pitch = "pitch";

    public override PersonaVoice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("persona.voice must be an object such as { \"gender\": \"female\", \"espeak\": \"en-us+f3\" }.");
        }

        var voice = new PersonaVoice();
        var byProvider = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (Is(name, Gender))
            {
                voice = voice with { Gender = JsonSerializer.Deserialize<string>(ref reader, options)! };
            }
            else if (Is(name, Rate))
            {
                voice = voice with { Rate = JsonSerializer.Deserialize<int?>(ref reader, options) };
            }
            else if (Is(name, Pitch))
            {
                voice = voice with { Pitch = JsonSerializer.Deserialize<int?>(ref reader, options) };
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                byProvider[name] = reader.GetString()!;
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                throw new JsonException($"persona.voice.{name} must be a voice name (a string), or one of {Gender}, {Rate} and {Pitch}.");
            }
        }

        return voice with { ByProvider = byProvider };
    }

    public override void Write(Utf8JsonWriter writer, PersonaVoice value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Gender, value.Gender);
        foreach (var (provider, voice) in value.ByProvider)
        {
            writer.WriteString(provider, voice);
        }

        if (value.Rate is { } rate)
        {
            writer.WriteNumber(Rate, rate);
        }

        if (value.Pitch is { } pitch)
        {
            writer.WriteNumber(Pitch, pitch);
        }

        writer.WriteEndObject();
    }

    private static bool Is(string name, string setting) => string.Equals(name, setting, StringComparison.OrdinalIgnoreCase);
}
