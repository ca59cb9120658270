using System.Buffers;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// One SignalR connection speaking the JSON or the MessagePack hub protocol over a raw <see cref="ClientWebSocket"/>,
/// built for load: chunk records are assembled into pooled buffers around precomputed audio, and only the fields the
/// generator needs are read from what comes back (acknowledgements are matched without decoding the message). Other
/// MessagePack messages are handed on as the JSON records the handlers read; they are a few per turn.
/// </summary>
internal sealed class HubSocket(bool messagePack) : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] AckTarget = "\"target\":\"audio-received\""u8.ToArray();
    private static readonly byte[] AckTargetMessagePack = [0xAE, .. "audio-received"u8];
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();
    private static readonly byte[] CompletionHead = "{\"type\":3,\"invocationId\":\""u8.ToArray();
    private static readonly byte[] PingMessagePack = [0x02, 0x91, 0x06]; // length 2, [6]

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiver = Task.CompletedTask;
    private Timer? _pinger;
    private int _nextInvocation;

    /// <summary>An <c>audio-received</c> arrived.</summary>
    public Action? OnAck { get; set; }

    /// <summary>A completion without an error: (invocation id, whether it has a result). Returns whether it was taken;
    /// if not, the completion goes to <see cref="OnMessage"/> parsed. Chunks' completions, one per chunk when
    /// invoking, are taken here without building a JSON document.</summary>
    public Func<string, bool, bool>? OnCompletion { get; set; }

    /// <summary>Any other server message: (type, target or invocation id, the whole record, valid only during the call).</summary>
    public Action<int, string?, JsonElement>? OnMessage { get; set; }

    /// <summary>The event targets <see cref="OnMessage"/> reads, and only their payload's top-level scalar fields;
    /// null: every event, whole. Over MessagePack this spares converting every event to JSON (the reply's text deltas,
    /// each avatar segment's visemes and words), which had been most of what the generator allocated.</summary>
    public IReadOnlySet<string>? Targets { get; set; }

    // The JSON an event of Targets is rewritten into, reused: the receive loop handles one message at a time.
    private readonly ArrayBufferWriter<byte> _scalars = new(1024);

    public Action<string>? OnClosed { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public async Task ConnectAsync(HttpClient http, string baseUrl, string token, CancellationToken cancellationToken, HttpMessageInvoker? invoker = null)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/hubs/roleplay/negotiate?negotiateVersion=1");
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(negotiate, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var id = body.RootElement.GetProperty("connectionToken").GetString();

        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var ws = WebSocketUrls.Of(baseUrl, $"/hubs/roleplay?id={id}&access_token={token}");
        await _socket.ConnectAsync(ws, invoker, cancellationToken);
        var handshake = messagePack ? "{\"protocol\":\"messagepack\",\"version\":1}\u001e"u8.ToArray() : "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
        await _socket.SendAsync(handshake, WebSocketMessageType.Text, true, cancellationToken);

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
        _pinger = new Timer(_ => _ = SendAsync(messagePack ? PingMessagePack : Ping), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public string NextInvocationId() => Interlocked.Increment(ref _nextInvocation).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsMessagePack => messagePack;

    /// <summary>Sends one record (JSON: already 0x1E-terminated; MessagePack: already length-prefixed).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> record)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(record, messagePack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
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

    /// <summary>Sends an invocation whose arguments are given as JSON text: <c>[{...}]</c> (converted for MessagePack).</summary>
    public Task InvokeAsync(string invocationId, string target, string argumentsJson) =>
        SendAsync(messagePack
            ? Invocation(invocationId, target, MessagePackSerializer.ConvertFromJson(argumentsJson))
            : Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"{invocationId}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}\u001e"));

    /// <summary>A MessagePack invocation, length-prefixed: [1, {}, id, target, arguments, []].</summary>
    private static byte[] Invocation(string? invocationId, string target, byte[] arguments)
    {
        var body = new ArrayBufferWriter<byte>(arguments.Length + 64);
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(6);
        writer.Write(1);
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write(target);
        writer.WriteRaw(arguments);
        writer.WriteArrayHeader(0);
        writer.Flush();
        var framed = new byte[5 + body.WrittenCount];
        var prefix = WriteLengthPrefix(framed, body.WrittenCount);
        body.WrittenSpan.CopyTo(framed.AsSpan(prefix));
        return framed[..(prefix + body.WrittenCount)];
    }

    /// <summary>The hub protocol's MessagePack framing: the length as a base-128 varint; returns its size.</summary>
    public static int WriteLengthPrefix(Span<byte> destination, int length)
    {
        var i = 0;
        do
        {
            var b = (byte)(length & 0x7F);
            length >>= 7;
            destination[i++] = length > 0 ? (byte)(b | 0x80) : b;
        }
        while (length > 0);
        return i;
    }

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
        var reason = await WebSocketReceiver.RunAsync(_socket, carry, 16 * 1024, (buffer, length, _) =>
        {
            Process(buffer, ref length);
            return length;
        }, _stop.Token);
        if (reason.Length > 0)
        {
            OnClosed?.Invoke(reason);
        }
    }

    private void Process(byte[] buffer, ref int length)
    {
        if (messagePack)
        {
            ProcessMessagePack(buffer, ref length);
            return;
        }

        var start = 0;
        while (true)
        {
            var end = Array.IndexOf(buffer, RecordSeparator, start, length - start);
            if (end < 0)
            {
                break;
            }

            Handle(buffer.AsMemory(start, end - start));
            start = end + 1;
        }

        if (start > 0)
        {
            buffer.AsSpan(start, length - start).CopyTo(buffer);
            length -= start;
        }
    }

    private void ProcessMessagePack(byte[] buffer, ref int length)
    {
        var start = 0;
        while (true)
        {
            // varint length prefix, then the message
            int size = 0, shift = 0, at = start;
            var complete = false;
            while (at < length && shift <= 28)
            {
                var b = buffer[at++];
                size |= (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    complete = true;
                    break;
                }
            }

            if (!complete || length - at < size)
            {
                break;
            }

            HandleMessagePack(buffer.AsMemory(at, size));
            start = at + size;
        }

        if (start > 0)
        {
            buffer.AsSpan(start, length - start).CopyTo(buffer);
            length -= start;
        }
    }

    private void HandleMessagePack(ReadOnlyMemory<byte> message)
    {
        var reader = new MessagePackReader(message);
        var fields = reader.ReadArrayHeader();
        var type = reader.ReadInt32();
        string json;
        switch (type)
        {
            case 1:
                reader.Skip(); // headers
                var invocationId = reader.ReadString();
                // Hot path: acknowledgements are recognised by their target's bytes.
                if (message.Span.Slice((int)reader.Consumed).StartsWith(AckTargetMessagePack))
                {
                    OnAck?.Invoke();
                    return;
                }

                var target = reader.ReadString();
                if (target is not null && Targets is { } wanted)
                {
                    if (wanted.Contains(target))
                    {
                        Handle(ScalarsOf(target, ref reader));
                    }

                    return;
                }

                json = $"{{\"type\":1,\"target\":{JsonSerializer.Serialize(target)},\"arguments\":{MessagePackSerializer.ConvertToJson(message[(int)reader.Consumed..])}}}";
                break;
            case 3:
                reader.Skip(); // headers
                var id = reader.ReadString();
                var kind = reader.ReadInt32();
                if (kind != 1 && id is not null && OnCompletion?.Invoke(id, kind == 3 && !reader.End && reader.NextMessagePackType != MessagePackType.Nil) == true)
                {
                    return;
                }

                var rest = kind == 2 ? "" : MessagePackSerializer.ConvertToJson(message[(int)reader.Consumed..]);
                json = kind switch
                {
                    1 => $"{{\"type\":3,\"invocationId\":\"{id}\",\"error\":{rest}}}",
                    3 => $"{{\"type\":3,\"invocationId\":\"{id}\",\"result\":{rest}}}",
                    _ => $"{{\"type\":3,\"invocationId\":\"{id}\"}}",
                };
                break;
            case 7:
                var error = fields > 1 ? reader.ReadString() : null;
                json = $"{{\"type\":7,\"error\":{JsonSerializer.Serialize(error ?? "close")}}}";
                break;
            default:
                return; // pings
        }

        Handle(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>An invocation of <paramref name="target"/> as JSON holding its first argument's top-level scalar
    /// fields only (<paramref name="reader"/> is at its arguments).</summary>
    private ReadOnlyMemory<byte> ScalarsOf(string target, ref MessagePackReader reader)
    {
        _scalars.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_scalars))
        {
            json.WriteStartObject();
            json.WriteNumber("type", 1);
            json.WriteString("target", target);
            json.WriteStartArray("arguments");
            if (reader.ReadArrayHeader() > 0 && reader.NextMessagePackType == MessagePackType.Map)
            {
                json.WriteStartObject();
                for (var entries = reader.ReadMapHeader(); entries > 0; entries--)
                {
                    var name = reader.ReadString() ?? "";
                    switch (reader.NextMessagePackType)
                    {
                        case MessagePackType.Integer:
                            json.WriteNumber(name, reader.ReadInt64());
                            break;
                        case MessagePackType.Float:
                            json.WriteNumber(name, reader.ReadDouble());
                            break;
                        case MessagePackType.Boolean:
                            json.WriteBoolean(name, reader.ReadBoolean());
                            break;
                        case MessagePackType.String:
                            json.WriteString(name, reader.ReadString());
                            break;
                        case MessagePackType.Nil:
                            reader.ReadNil();
                            json.WriteNull(name);
                            break;
                        default:
                            reader.Skip(); // arrays and maps: visemes, words, timings
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return _scalars.WrittenMemory;
    }

    private void Handle(ReadOnlyMemory<byte> message)
    {
        var record = message.Span;
        // Hot path: acknowledgements, four times a second per session, are recognised without parsing.
        if (record.IndexOf(AckTarget) >= 0)
        {
            OnAck?.Invoke();
            return;
        }

        if (record.StartsWith(CompletionHead) && record.IndexOf("\"error\""u8) < 0)
        {
            var id = record[CompletionHead.Length..];
            id = id[..id.IndexOf((byte)'"')];
            if (OnCompletion?.Invoke(Encoding.ASCII.GetString(id), record.IndexOf("\"result\":{"u8) >= 0) == true)
            {
                return;
            }
        }

        // Parsed in place: the element is valid only during the callback, which reads what it needs at once.
        using var document = JsonDocument.Parse(message);
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
            OnMessage?.Invoke(type, key, root);
        }
    }
}
