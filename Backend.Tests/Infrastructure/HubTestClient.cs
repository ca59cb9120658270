using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A small SignalR client speaking the JSON hub protocol over a raw WebSocket (the .NET SignalR client cannot be
/// installed from this registry): handshake, invocations with completions, fire-and-forget sends, and the server's
/// events recorded in arrival order.
/// </summary>
public sealed class HubTestClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly WebSocket _socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<HubEvent> _events = [];
    private readonly Channel<HubEvent> _arrivals = Channel.CreateUnbounded<HubEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _receiver = Task.CompletedTask;
    private int _nextId;
    private int _disposed;

    private HubTestClient(WebSocket socket) => _socket = socket;

    /// <summary>Set when the server closed the connection (a Close message or the socket ending).</summary>
    public string? ClosedReason { get; private set; }

    public IReadOnlyList<HubEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<HubTestClient> ConnectAsync(Func<Uri, CancellationToken, Task<WebSocket>> connect, Uri hubUri)
    {
        var socket = await connect(hubUri, CancellationToken.None);
        var client = new HubTestClient(socket);
        await client.SendRawAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator);
        var handshake = await client.ReadHandshakeAsync();
        if (handshake != "{}")
        {
            throw new InvalidOperationException($"Handshake failed: {handshake}");
        }

        client._receiver = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Invokes a hub method and returns its result; a server error throws <see cref="HubInvocationException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string target, object? argument, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        await SendMessageAsync(new JsonObject { ["type"] = 1, ["invocationId"] = id, ["target"] = target, ["arguments"] = new JsonArray(ToNode(argument)) });
        return await completion.Task.WaitAsync(timeout ?? DefaultWait);
    }

    /// <summary>Invokes without waiting for (or asking for) a completion, like the JS client's <c>send</c>.</summary>
    public Task SendAsync(string target, object? argument) =>
        SendMessageAsync(new JsonObject { ["type"] = 1, ["target"] = target, ["arguments"] = new JsonArray(ToNode(argument)) });

    /// <summary>Starts a client → server stream: an invocation of <paramref name="target"/> whose last parameter is
    /// the stream; returns the stream id to send items to.</summary>
    public async Task<string> StartStreamAsync(string target, params object[] arguments)
    {
        var streamId = "s" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var args = new JsonArray();
        foreach (var argument in arguments)
        {
            args.Add(ToNode(argument));
        }

        await SendMessageAsync(new JsonObject { ["type"] = 1, ["target"] = target, ["arguments"] = args, ["streamIds"] = new JsonArray(streamId) });
        return streamId;
    }

    public Task SendStreamItemAsync(string streamId, object item) =>
        SendMessageAsync(new JsonObject { ["type"] = 2, ["invocationId"] = streamId, ["item"] = ToNode(item) });

    public Task CompleteStreamAsync(string streamId) => SendMessageAsync(new JsonObject { ["type"] = 3, ["invocationId"] = streamId });

    /// <summary>Sends a raw JSON hub message (for malformed-payload tests).</summary>
    public Task SendRawMessageAsync(string json) => SendRawAsync(json + RecordSeparator);

    /// <summary>The first event named <paramref name="name"/> (already received or still to come) that matches.</summary>
    public async Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        match ??= static _ => true;
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        var seen = 0;
        while (true)
        {
            var events = Events;
            for (; seen < events.Count; seen++)
            {
                if (events[seen].Name == name && match(events[seen].Payload))
                {
                    return events[seen].Payload;
                }
            }

            try
            {
                await _arrivals.Reader.WaitToReadAsync(cts.Token);
                while (_arrivals.Reader.TryRead(out _))
                {
                }
            }
            catch (OperationCanceledException)
            {
                var summary = string.Join(", ", Events.Select(e => e.Name + (e.Name == "error" ? "(" + e.Payload.GetProperty("code").GetString() + ")" : "")));
                throw new TimeoutException($"No '{name}' event arrived in time. Events so far: [{summary}]; closed: {ClosedReason ?? "no"}");
            }
        }
    }

    public IReadOnlyList<JsonElement> EventsNamed(string name) => Events.Where(e => e.Name == name).Select(e => e.Payload).ToList();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            // TestServer's CloseAsync reads for the close reply while our receive loop is reading too; under load that
            // race surfaces as an IOException. Closing is best effort: the socket is disposed below either way.
            catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
        }

        _stop.Cancel();
        try
        {
            await _receiver.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or WebSocketException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    /// <summary>Drops the connection without a close handshake, like a network failure.</summary>
    public void Abort() => _socket.Abort();

    private static JsonNode? ToNode(object? argument) => argument switch
    {
        null => null,
        JsonNode node => node,
        string json when json.StartsWith('{') => JsonNode.Parse(json),
        string text => JsonValue.Create(text),
        _ => JsonSerializer.SerializeToNode(argument, JsonSerializerOptions.Web),
    };

    private Task SendMessageAsync(JsonObject message) => SendRawAsync(message.ToJsonString() + RecordSeparator);

    private async Task SendRawAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private string _carry = "";

    private async Task<string> ReadHandshakeAsync()
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(DefaultWait);
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var all = text.ToString();
            var end = all.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _carry = all[(end + 1)..];
                return all[..end];
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder(_carry);
        try
        {
            ProcessRecords(text);
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClosedReason ??= $"socket closed ({result.CloseStatus})";
                    break;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                ProcessRecords(text);
            }
        }
        // TestServer reports a socket the server side has already torn down as an IOException ("The remote end closed
        // the connection"), which a close racing this loop can hit: it is a closed connection like the others.
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            ClosedReason ??= ex.GetType().Name;
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new HubInvocationException($"connection closed: {ClosedReason}"));
            }

            _arrivals.Writer.TryComplete();
        }
    }

    private void ProcessRecords(StringBuilder text)
    {
        var all = text.ToString();
        var start = 0;
        for (var end = all.IndexOf(RecordSeparator, start); end >= 0; end = all.IndexOf(RecordSeparator, start))
        {
            Handle(JsonDocument.Parse(all[start..end]).RootElement.Clone());
            start = end + 1;
        }

        text.Clear().Append(all[start..]);
    }

    private void Handle(JsonElement message)
    {
        switch (message.GetProperty("type").GetInt32())
        {
            case 1:
                var evt = new HubEvent(message.GetProperty("target").GetString()!, message.GetProperty("arguments")[0]);
                lock (_events)
                {
                    _events.Add(evt);
                }

                _arrivals.Writer.TryWrite(evt);
                break;
            case 3:
                if (_pending.TryRemove(message.GetProperty("invocationId").GetString()!, out var completion))
                {
                    if (message.TryGetProperty("error", out var error))
                    {
                        completion.TrySetException(new HubInvocationException(error.GetString()!));
                    }
                    else
                    {
                        completion.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
                    }
                }

                break;
            case 7:
                ClosedReason = message.TryGetProperty("error", out var reason) ? reason.GetString() : "closed by server";
                break;
        }
    }
}

public sealed record HubEvent(string Name, JsonElement Payload);

/// <summary>The server completed an invocation with an error (message is <c>"code: text"</c> for refusals).</summary>
public sealed class HubInvocationException(string message) : Exception(message);
