using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A client of the audio socket (<c>/hubs/roleplay/audio</c>): sends chunks as binary messages (an 8-byte
/// little-endian offset, then the audio) and <c>commit</c> as text, and records what comes back — the acknowledged
/// offsets, the JSON events, and how the server closed the socket.
/// </summary>
public sealed class AudioSocketClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly HubEventLog _events = new();
    private readonly List<long> _acks = [];
    private readonly Task _receiving;

    private AudioSocketClient(WebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>The close the server sent (status and description), once it has.</summary>
    public (WebSocketCloseStatus? Status, string? Description) Closed => (_socket.CloseStatus, _socket.CloseStatusDescription);

    /// <summary>Opens the socket with the token as a header or, as a browser must, <paramref name="inQuery"/>;
    /// <paramref name="keep"/> keeps it open for the next session when this one ends.</summary>
    public static async Task<AudioSocketClient> ConnectAsync(TestServer server, string sessionId, string token, bool inQuery = false, bool keep = false)
    {
        var path = $"{Microsoft.Extensions.DependencyInjection.AudioSocketExtensions.AudioSocketPath}?sessionId={sessionId}{(inQuery ? $"&access_token={token}" : "")}{(keep ? "&keep=true" : "")}";
        var endpoint = HubEndpoint.InProcess(server, path);
        var uri = new UriBuilder(endpoint.Url) { Scheme = "ws" }.Uri;
        return new AudioSocketClient(await endpoint.ConnectWebSocket(uri, inQuery ? null : token, CancellationToken.None));
    }

    public IReadOnlyList<long> Acks
    {
        get
        {
            lock (_acks)
            {
                return [.. _acks];
            }
        }
    }

    public Task SendChunkAsync(ReadOnlySpan<byte> audio, long offset) => SendRawAsync(Chunk(audio, offset), WebSocketMessageType.Binary);

    public Task CommitAsync() => SendRawAsync("commit"u8.ToArray(), WebSocketMessageType.Text);

    /// <summary>Moves a kept socket to <paramref name="sessionId"/>.</summary>
    public Task BindAsync(string sessionId) => SendRawAsync(System.Text.Encoding.UTF8.GetBytes("bind " + sessionId), WebSocketMessageType.Text);

    public Task SendRawAsync(byte[] message, WebSocketMessageType type) => _socket.SendAsync(message, type, true, CancellationToken.None);

    public static byte[] Chunk(ReadOnlySpan<byte> audio, long offset)
    {
        var message = new byte[8 + audio.Length];
        BinaryPrimitives.WriteInt64LittleEndian(message, offset);
        audio.CopyTo(message.AsSpan(8));
        return message;
    }

    /// <summary>Waits until an acknowledgement reaches <paramref name="receivedBytes"/>.</summary>
    public async Task WaitForAckAsync(long receivedBytes)
    {
        using var deadline = new CancellationTokenSource(RoleplayHubClient.DefaultWait);
        while (!Acks.Contains(receivedBytes))
        {
            if (_receiving.IsCompleted)
            {
                throw new InvalidOperationException($"The socket closed ({Closed.Description}) before {receivedBytes} bytes were acknowledged; acks: [{string.Join(", ", Acks)}]");
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    public IReadOnlyList<JsonElement> EventsNamed(string name) => _events.Named(name);

    public Task<JsonElement> WaitForEventAsync(string name) => _events.WaitForAsync(name, null, RoleplayHubClient.DefaultWait);

    /// <summary>Completes once the socket has closed (either side), with the server's close description.</summary>
    public async Task<string?> EndedAsync()
    {
        await _receiving.WaitAsync(RoleplayHubClient.DefaultWait);
        return _socket.CloseStatusDescription;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _events.Close($"closed: {result.CloseStatusDescription}");
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_acks)
                    {
                        _acks.Add(BinaryPrimitives.ReadInt64LittleEndian(buffer));
                    }

                    continue;
                }

                using var message = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
                _events.Add(new HubEvent(message.RootElement.GetProperty("type").GetString()!, message.RootElement.GetProperty("data").Clone()));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _events.Close(ex.GetType().Name);
        }
    }
}
