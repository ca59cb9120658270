using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using RoleplayHub.Core;

namespace RoleplayHub.Providers.Realtime.Wire;

/// <summary>
/// A JSON-message WebSocket to a realtime vendor. Sends are serialised (one frame at a time) and written with one
/// <see cref="Utf8JsonWriter"/> on one reused buffer, so the audio path (several appends a second) allocates nothing per
/// chunk: base64 is encoded straight into that buffer. Received messages are assembled in a second reused buffer, valid
/// until the next receive — one reader only.
/// </summary>
internal sealed class RealtimeSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _sendBuffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private readonly ArrayBufferWriter<byte> _receiveBuffer = new(16 * 1024);

    private RealtimeSocket(ClientWebSocket ws)
    {
        _ws = ws;
        // Relaxed escaping: persona prompts in Chinese go out as UTF-8, not six bytes of \u escape per character.
        _writer = new Utf8JsonWriter(_sendBuffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public WebSocketState State => _ws.State;

    public WebSocketCloseStatus? CloseStatus => _ws.CloseStatus;

    public string? CloseStatusDescription => _ws.CloseStatusDescription;

    /// <summary>Opens the socket; a refused upgrade (401/403: the key; 429; 5xx) becomes a <see cref="RealtimeProviderException"/>
    /// saying which, never showing the URL's secrets (there are none: keys travel in headers).</summary>
    public static async Task<RealtimeSocket> ConnectAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan timeout, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        foreach (var (name, value) in headers)
        {
            ws.Options.SetRequestHeader(name, value);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await ws.ConnectAsync(uri, deadline.Token);
            return new RealtimeSocket(ws);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            ws.Dispose();
            throw new RealtimeProviderException(ErrorCodes.AiFailed, $"The realtime model did not answer within {timeout.TotalSeconds:0.#} s.", retryable: true);
        }
        catch (WebSocketException ex)
        {
            var status = ws.HttpStatusCode;
            ws.Dispose();
            throw RefusedUpgrade(status, ex);
        }
    }

    private static RealtimeProviderException RefusedUpgrade(HttpStatusCode status, Exception ex) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
            new(ErrorCodes.AiFailed, $"The realtime model refused the API key (HTTP {(int)status}).", retryable: false, ex),
        HttpStatusCode.NotFound => new(ErrorCodes.AiFailed, "The realtime model or endpoint was not found (HTTP 404).", retryable: false, ex),
        HttpStatusCode.TooManyRequests => new(ErrorCodes.AiFailed, "The realtime model is rate-limited (HTTP 429).", retryable: true, ex),
        0 => new(ErrorCodes.AiFailed, "The realtime model could not be reached.", retryable: true, ex),
        _ when (int)status >= 500 => new(ErrorCodes.AiFailed, $"The realtime model is unavailable (HTTP {(int)status}).", retryable: true, ex),
        _ => new(ErrorCodes.AiFailed, $"The realtime model refused the connection (HTTP {(int)status}).", retryable: false, ex),
    };

    /// <summary>Writes one JSON message with <paramref name="write"/> and sends it as one text frame. The state machine
    /// is pooled: this runs for every audio chunk. On a socket closed or disposed it throws
    /// <see cref="RealtimeProviderException.Closed"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync<TState>(Action<Utf8JsonWriter, TState> write, TState state, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            _sendBuffer.ResetWrittenCount();
            _writer.Reset(_sendBuffer);
            write(_writer, state);
            _writer.Flush();
            await _ws.SendAsync(_sendBuffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            // The events say why it closed (Closed, and a RealtimeFailure when the vendor gave one).
            throw RealtimeProviderException.Closed(ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next whole message (text or binary: Gemini sends its JSON in binary frames), or null when the
    /// vendor closed the socket (see <see cref="CloseStatus"/>). The memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct)
    {
        _receiveBuffer.ResetWrittenCount();
        while (true)
        {
            var result = await _ws.ReceiveAsync(_receiveBuffer.GetMemory(8 * 1024), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _receiveBuffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return _receiveBuffer.WrittenMemory;
            }
        }
    }

    /// <summary>Closes politely (answers or starts the close handshake), never throwing.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _sendLock.WaitAsync(deadline.Token);
                try
                {
                    await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", deadline.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _ws.Abort(); // a socket that cannot close politely is dropped
        }
    }

    public ValueTask DisposeAsync()
    {
        // The send lock stays usable (it holds no handle): a send racing the disposal then fails on the socket, as a
        // send on a closed connection does, not on the lock.
        _ws.Dispose();
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
