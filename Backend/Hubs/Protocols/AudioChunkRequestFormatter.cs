using System.Buffers;
using System.Buffers.Text;
using MessagePack;
using MessagePack.Formatters;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs.Protocols;

/// <summary>
/// Reads <c>audio-chunk</c> over MessagePack, where <c>audioData</c> is binary: the bytes are copied once, from the
/// message into a pooled buffer; a base64 string is accepted as well. Like its JSON twin
/// (<see cref="AudioChunkRequestConverter"/>) it never throws on a payload of the wrong shape: problems go to
/// <see cref="HubRequest.BindingError"/>, and audio over the size limit is skipped unread and flagged.
/// </summary>
internal sealed class AudioChunkRequestFormatter(int maxChunkBytes) : IMessagePackFormatter<AudioChunkRequest?>
{
    private readonly int _maxBase64Length = checked((maxChunkBytes + 2) / 3 * 4);

    public void Serialize(ref MessagePackWriter writer, AudioChunkRequest? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        // For clients and tests in .NET: the same field names as the JSON form.
        writer.WriteMapHeader(value.Commit ? 4 : 3);
        writer.Write("sessionId");
        writer.Write(value.SessionId);
        writer.Write("audioData");
        writer.Write(value.Audio);
        writer.Write("offset");
        if (value.Offset is { } offset)
        {
            writer.Write(offset);
        }
        else
        {
            writer.WriteNil();
        }

        if (value.Commit)
        {
            writer.Write("commit");
            writer.Write(true);
        }
    }

    public AudioChunkRequest? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            reader.Skip();
            return new AudioChunkRequest { BindingError = "audio-chunk expects a map { sessionId, audioData, offset }." };
        }

        var chunk = new ChunkFields();
        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            var field = AudioChunkField.Unknown;
            if (reader.NextMessagePackType == MessagePackType.String)
            {
                field = MatchKey(ref reader);
            }
            else
            {
                reader.Skip(); // a key that is not a string: its value is skipped as unknown
            }

            Read(ref reader, field, ref chunk);
        }

        if (!chunk.SawAudio && !chunk.Commit)
        {
            chunk.Error ??= "audioData is required.";
        }

        var request = new AudioChunkRequest
        {
            SessionId = chunk.SessionId,
            Offset = chunk.Offset,
            TotalChunks = chunk.TotalChunks,
            TooLarge = chunk.TooLarge,
            Commit = chunk.Commit,
            BindingError = chunk.Error,
        };
        if (chunk.Rented is not null)
        {
            request.AttachAudio(chunk.Rented, chunk.Length);
        }

        return request;
    }

    private void Read(ref MessagePackReader reader, AudioChunkField field, ref ChunkFields chunk)
    {
        var type = reader.NextMessagePackType;
        switch (field)
        {
            case AudioChunkField.SessionId when type == MessagePackType.String:
                chunk.SessionId = reader.ReadString();
                return;
            case AudioChunkField.SessionId when type != MessagePackType.Nil:
                chunk.Error ??= "sessionId must be a string.";
                break;
            case AudioChunkField.AudioData:
                chunk.SawAudio = true;
                ReadAudio(ref reader, ref chunk);
                return;
            case AudioChunkField.Offset when type == MessagePackType.Integer:
                if (ReadInteger(ref reader) is { } offset and >= 0)
                {
                    chunk.Offset = offset;
                }
                else
                {
                    chunk.Error ??= OffsetError;
                }

                return;
            case AudioChunkField.Offset when type != MessagePackType.Nil:
                chunk.Error ??= OffsetError;
                break;
            case AudioChunkField.TotalChunks when type == MessagePackType.Integer:
                chunk.TotalChunks = ReadInteger(ref reader) is { } total and >= int.MinValue and <= int.MaxValue ? (int)total : null;
                return;
            case AudioChunkField.Commit when type == MessagePackType.Boolean:
                chunk.Commit = reader.ReadBoolean();
                return;
        }

        reader.Skip();
    }

    private void ReadAudio(ref MessagePackReader reader, ref ChunkFields chunk)
    {
        if (chunk.Rented is not null)
        {
            chunk.Error ??= "audioData appears twice.";
            reader.Skip();
            return;
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Binary:
                var bytes = reader.ReadBytes()!.Value;
                if (bytes.Length > maxChunkBytes)
                {
                    chunk.TooLarge = true;
                    return;
                }

                chunk.Length = (int)bytes.Length;
                chunk.Rented = ArrayPool<byte>.Shared.Rent(Math.Max(chunk.Length, 1));
                bytes.CopyTo(chunk.Rented);
                return;
            case MessagePackType.String:
                var text = reader.ReadStringSequence()!.Value;
                if (text.Length > _maxBase64Length + 4)
                {
                    chunk.TooLarge = true;
                    return;
                }

                chunk.Rented = ArrayPool<byte>.Shared.Rent(Math.Max((int)text.Length, 1));
                text.CopyTo(chunk.Rented);
                if (Base64.DecodeFromUtf8InPlace(chunk.Rented.AsSpan(0, (int)text.Length), out chunk.Length) != OperationStatus.Done)
                {
                    chunk.Error ??= "audioData is not valid base64.";
                    chunk.Length = 0;
                }

                return;
            default:
                chunk.Error ??= "audioData must be binary (or a base64 string).";
                reader.Skip();
                return;
        }
    }

    private const string OffsetError = "offset must be a non-negative integer (the byte offset of this chunk in the session's audio stream).";

    /// <summary>An integer as a long, or null when it does not fit (an unsigned value above long.MaxValue).</summary>
    private static long? ReadInteger(ref MessagePackReader reader)
    {
        if (reader.NextCode != MessagePackCode.UInt64)
        {
            return reader.ReadInt64(); // every other integer code fits
        }

        var value = reader.ReadUInt64();
        return value <= long.MaxValue ? (long)value : null;
    }

    /// <summary>The field a key names.</summary>
    private static AudioChunkField MatchKey(ref MessagePackReader reader) =>
        reader.TryReadStringSpan(out var key) ? AudioChunkFields.Match(key) : AudioChunkFields.Match(reader.ReadString());



    private struct ChunkFields
    {
        public string? SessionId;
        public long? Offset;
        public int? TotalChunks;
        public bool Commit;
        public bool SawAudio;
        public bool TooLarge;
        public byte[]? Rented;
        public int Length;
        public string? Error;
    }
}
