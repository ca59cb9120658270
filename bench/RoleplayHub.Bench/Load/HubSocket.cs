using System.Buffers;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// One SignalR connection speaking the JSON hub protocol over a raw <see cref="ClientWebSocket"/>, built for load:
/// records are assembled into pooled buffers around precomputed base64, and only the fields the generator needs are
/// read from what comes back (acknowledgements are matched without building a JSON document).
/// </summary>
internal sealed class HubSocket : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] AckTarget = "\"target\":\"audio-received\""u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiver = Task.CompletedTask;
    private Timer? _pinger;
    private int _nextInvocation;

    /// <summary>An <c>audio-received</c> arrived.</summary>
    public Action? OnAck { get; set; }

    /// <summary>Any other server message: (type, target or invocation id, the whole record).</summary>
    public Action<int, string?, JsonElement>? OnMessage { get; set; }

    public Action<string>? OnClosed { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public async Task ConnectAsync(HttpClient http, string baseUrl, string token, CancellationToken cancellationToken)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/hubs/roleplay/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(negotiate, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var id = body.RootElement.GetProperty("connectionToken").GetString();

        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var ws = new Uri($"{baseUrl.Replace("http", "ws", StringComparison.Ordinal)}/hubs/roleplay?id={id}&access_token={token}");
        await _socket.ConnectAsync(ws, cancellationToken);
        await _socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, cancellationToken);

        // The handshake reply ({} + RS) may share a frame with the first message; the receive loop takes the rest.
        var buffer = new byte[4096];
        var received = await _socket.ReceiveAsync(buffer, cancellationToken);
        var end = Array.IndexOf(buffer, RecordSeparator, 0, received.Count);
        if (end < 0 || buffer[0] != (byte)'{' || buffer[1] != (byte)'}')
        {
            throw new InvalidOperationException("handshake failed: " + Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        var carry = buffer.AsSpan(end + 1, received.Count - end - 1).ToArray();
        _receiver = Task.Run(() => ReceiveLoopAsync(carry));
        _pinger = new Timer(_ => _ = SendAsync(Ping), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public string NextInvocationId() => Interlocked.Increment(ref _nextInvocation).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends one record (already 0x1E-terminated).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> record)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(record, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // the receive loop reports the close
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends an invocation whose JSON arguments are given as text: <c>[{...}]</c>.</summary>
    public Task InvokeAsync(string invocationId, string target, string argumentsJson) =>
        SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}\u001e"));

    public async ValueTask DisposeAsync()
    {
        _pinger?.Dispose();
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }

        await _receiver.ContinueWith(static _ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(byte[] carry)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        var length = carry.Length;
        carry.CopyTo(buffer, 0);
        string reason = "closed";
        try
        {
            Process(buffer, ref length);
            while (!_stop.IsCancellationRequested)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"server closed the socket ({_socket.CloseStatus})";
                    break;
                }

                length += result.Count;
                Process(buffer, ref length);
            }
        }
        catch (OperationCanceledException)
        {
            reason = "";
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            reason = ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (reason.Length > 0)
        {
            OnClosed?.Invoke(reason);
        }
    }

    private void Process(byte[] buffer, ref int length)
    {
        var start = 0;
        while (true)
        {
            var end = Array.IndexOf(buffer, RecordSeparator, start, length - start);
            if (end < 0)
            {
                break;
            }

            Handle(buffer.AsSpan(start, end - start));
            start = end + 1;
        }

        if (start > 0)
        {
            buffer.AsSpan(start, length - start).CopyTo(buffer);
            length -= start;
        }
    }

    private void Handle(ReadOnlySpan<byte> record)
    {
        // Hot path: acknowledgements, four times a second per session, are recognised without parsing.
        if (record.IndexOf(AckTarget) >= 0)
        {
            OnAck?.Invoke();
            return;
        }

        using var document = JsonDocument.Parse(record.ToArray());
        var root = document.RootElement;
        var type = root.GetProperty("type").GetInt32();
        var key = type switch
        {
            1 => root.GetProperty("target").GetString(),
            3 => root.GetProperty("invocationId").GetString(),
            _ => null,
        };
        if (type is 1 or 3 or 7)
        {
            OnMessage?.Invoke(type, key, root.Clone());
        }
    }
}
