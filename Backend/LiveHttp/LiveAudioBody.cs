using System.Buffers;
using System.Globalization;
using System.Text.Json;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Sessions;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// The body of <c>POST …/audio</c>: raw audio bytes with the offset in <c>X-Audio-Offset</c> or <c>?offset=</c>, or —
/// with <c>Content-Type: application/json</c> — the hub's <c>audio-chunk</c> payload <c>{ audioData, offset }</c>, read by
/// the hub's own converter. It never throws on bad input: what is wrong is recorded for the session layer to refuse,
/// exactly as it refuses the same chunk from the hub. At most one byte more than the limit is read, so a huge body
/// costs no memory. Owns a pooled buffer: dispose it once the session has copied the audio.
/// </summary>
internal sealed class LiveAudioBody : IDisposable
{
    public const string OffsetHeader = "X-Audio-Offset";

    private byte[]? _rented;
    private int _length;
    private AudioChunkRequest? _json;
    private long? _offset;
    private bool _tooLarge;
    private string? _bindingError;

    private LiveAudioBody()
    {
    }

    /// <summary>The chunk as the session layer takes it, borrowing this body's bytes.</summary>
    public IncomingChunk Chunk => _json is { BindingError: null } json && _bindingError is null
        ? json.ToSessions()
        : new IncomingChunk(_offset, _rented.AsSpan(0, _length), _tooLarge, _bindingError ?? _json?.BindingError);

    public static async Task<LiveAudioBody> ReadAsync(HttpRequest request, string sessionId, int maxChunkBytes, long maxJsonBytes, JsonSerializerOptions hubJson)
    {
        var body = new LiveAudioBody();
        if (request.HasJsonContentType())
        {
            await body.ReadJsonAsync(request, sessionId, (int)maxJsonBytes, hubJson);
        }
        else
        {
            await body.ReadRawAsync(request, maxChunkBytes);
        }

        return body;
    }

    public void Dispose()
    {
        _json?.Release();
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task ReadRawAsync(HttpRequest request, int maxChunkBytes)
    {
        _offset = ParseOffset(request, out _bindingError);
        if (request.ContentLength > maxChunkBytes)
        {
            _tooLarge = true; // refused by its declared length, unread
            return;
        }

        var body = await BoundedBody.ReadAsync(request, maxChunkBytes);
        (_rented, _length, _tooLarge) = (body.Buffer, body.Length, body.TooLarge);
    }

    private async Task ReadJsonAsync(HttpRequest request, string sessionId, int maxJsonBytes, JsonSerializerOptions hubJson)
    {
        if (request.ContentLength > maxJsonBytes)
        {
            _tooLarge = true; // larger than the hub would take as a message: too large a chunk, whatever it holds
            return;
        }

        var body = await BoundedBody.ReadAsync(request, maxJsonBytes);
        try
        {
            if (body.TooLarge)
            {
                _tooLarge = true;
                return;
            }

            _json = JsonSerializer.Deserialize<AudioChunkRequest>(body.Bytes, hubJson);
            _bindingError = _json switch
            {
                null => "the body must be an object { audioData, offset }.",
                { SessionId: { } named } when named != sessionId => "sessionId in the body is not the session in the URL (it may be left out).",
                _ => null,
            };
        }
        catch (JsonException)
        {
            _bindingError = "the body is not valid JSON; send { \"audioData\": \"<base64>\", \"offset\": 0 }, or the raw bytes.";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }

    private static long? ParseOffset(HttpRequest request, out string? error)
    {
        error = null;
        var header = request.Headers[OffsetHeader];
        var query = request.Query["offset"];
        if (header.Count + query.Count == 0)
        {
            return null;
        }

        var text = header.Count > 0 ? header.ToString() : query.ToString();
        if (header.Count > 0 && query.Count > 0 && header.ToString() != query.ToString())
        {
            error = $"offset: {OffsetHeader} and ?offset= disagree; send one.";
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            error = "offset must be a whole number of bytes (0 or more).";
            return null;
        }

        return offset;
    }
}
