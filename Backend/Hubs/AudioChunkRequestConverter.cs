using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>
/// Reads <c>audio-chunk</c> payloads by hand because this is the hot path (four times a second per session):
/// the base64 <c>audioData</c> is unescaped into a pooled buffer and decoded in place, so a chunk costs no
/// string, no per-chunk array and nothing on the large object heap. It never throws on bad input: problems are
/// recorded in <see cref="HubRequest.BindingError"/> and reported by the hub as an <c>error</c> event.
/// </summary>
public sealed class AudioChunkRequestConverter(int maxChunkBytes) : JsonConverter<AudioChunkRequest>
{
    // Base64 of maxChunkBytes, plus slack for JSON escapes such as "\/" that some encoders emit.
    private readonly int _maxRawLength = checked(((maxChunkBytes + 2) / 3 * 4) + 1024);

    public override AudioChunkRequest? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return new AudioChunkRequest { BindingError = "audio-chunk expects an object { sessionId, audioData, offset }." };
        }

        string? sessionId = null;
        long? offset = null;
        int? totalChunks = null;
        string? error = null;
        var tooLarge = false;
        byte[]? rented = null;
        var length = 0;
        var sawAudio = false;
        var commit = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = Match(ref reader);
            reader.Read();
            switch (property)
            {
                case AudioChunkField.SessionId:
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        sessionId = reader.GetString();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error ??= "sessionId must be a string.";
                        reader.Skip();
                    }

                    break;

                case AudioChunkField.AudioData:
                    sawAudio = true;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error ??= "audioData must be a base64 string.";
                        reader.Skip();
                        break;
                    }

                    var rawLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    if (rawLength > _maxRawLength)
                    {
                        tooLarge = true;
                        break;
                    }

                    if (rented is not null)
                    {
                        error ??= "audioData appears twice.";
                        break;
                    }

                    rented = ArrayPool<byte>.Shared.Rent(Math.Max(rawLength, 1));
                    var utf8Length = reader.CopyString(rented);
                    if (Base64.DecodeFromUtf8InPlace(rented.AsSpan(0, utf8Length), out length) != OperationStatus.Done)
                    {
                        error ??= "audioData is not valid base64.";
                        length = 0;
                    }

                    break;

                case AudioChunkField.Offset:
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0)
                    {
                        offset = value;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error ??= "offset must be a non-negative integer (the byte offset of this chunk in the session's audio stream).";
                        reader.Skip();
                    }

                    break;

                case AudioChunkField.TotalChunks:
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var total))
                    {
                        totalChunks = total;
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;

                case AudioChunkField.Commit:
                    commit = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                    break;

                default:
                    reader.Skip();
                    break;
            }
        }

        if (!sawAudio && !commit)
        {
            error ??= "audioData is required.";
        }

        var request = new AudioChunkRequest
        {
            SessionId = sessionId,
            Offset = offset,
            TotalChunks = totalChunks,
            TooLarge = tooLarge,
            Commit = commit,
            BindingError = error,
        };
        if (rented is not null)
        {
            request.AttachAudio(rented, length);
        }

        return request;
    }

    public override void Write(Utf8JsonWriter writer, AudioChunkRequest value, JsonSerializerOptions options) =>
        throw new NotSupportedException("audio-chunk is a client → server payload only.");

    // Escaped or split names are rare: they take the string path.
    private static AudioChunkField Match(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence ? AudioChunkFields.Match(reader.GetString()) : AudioChunkFields.Match(reader.ValueSpan);
}
