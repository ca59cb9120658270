using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A bare WebSocket speaking the JSON hub protocol frame by frame, for the one thing the official client will not do:
/// send frames that are not valid hub messages. It sends text as given and records the server's events and how the
/// connection ended; it does not track invocations or answer pings. Everything else uses <see cref="RoleplayHubClient"/>.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly WebSocket _socket;
    private readonly HubEventLog _log = new();
    private readonly TaskCompletionSource<string?> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _receiving;

    private RawHubSocket(WebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    public string? ClosedReason => _log.ClosedReason;

    /// <summary>Opens a WebSocket to the hub (no negotiate, as SignalR allows for WebSockets) and completes the JSON
    /// protocol's handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(HubEndpoint endpoint, string token)
    {
        var uri = new UriBuilder(endpoint.Url) { Scheme = endpoint.Url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        var raw = new RawHubSocket(await endpoint.ConnectWebSocket(uri, token, CancellationToken.None));
        await raw.SendAsync("""{"protocol":"json","version":1}""");
        if (await raw._handshake.Task.WaitAsync(RoleplayHubClient.DefaultWait) is { } error)
        {
            await raw.DisposeAsync();
            throw new InvalidOperationException($"Handshake refused: {error}");
        }

        return raw;
    }

    /// <summary>Sends <paramref name="frame"/> as one hub message, exactly as written.</summary>
    public Task SendAsync(string frame) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(frame + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? match = null) =>
        _log.WaitForAsync(name, match, RoleplayHubClient.DefaultWait);

    /// <summary>Completes with the reason once the connection has ended.</summary>
    public Task<string> EndedAsync() => _log.EndedAsync(RoleplayHubClient.DefaultWait);

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _log.Close($"socket closed ({result.CloseStatus})");
                    return;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                for (var end = IndexOfSeparator(text); end >= 0; end = IndexOfSeparator(text))
                {
                    Handle(JsonDocument.Parse(text.ToString(0, end)).RootElement.Clone());
                    text.Remove(0, end + 1);
                }
            }
        }
        // A socket aborted by either side (DisposeAsync included) ends the same way: the connection is over.
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _log.Close(ex.GetType().Name);
        }
        finally
        {
            _handshake.TrySetResult("the connection ended during the handshake");
        }
    }

    private static int IndexOfSeparator(StringBuilder text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == RecordSeparator)
            {
                return i;
            }
        }

        return -1;
    }

    private void Handle(JsonElement message)
    {
        if (!_handshake.Task.IsCompleted)
        {
            // The handshake response: {} or {"error": "…"}.
            _handshake.TrySetResult(message.TryGetProperty("error", out var refused) ? refused.GetString() : null);
            return;
        }

        switch (message.GetProperty("type").GetInt32())
        {
            case 1: // an event
                _log.Add(new HubEvent(message.GetProperty("target").GetString()!, message.GetProperty("arguments")[0]));
                break;
            case 7: // the server closes the connection
                _log.Close(message.TryGetProperty("error", out var error) ? error.GetString()! : "closed by the server");
                break;
        }
    }
}
