using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace RoleplayHub.Fakes.Realtime;

/// <summary>The fake's side of one WebSocket: JSON messages out (text frames, or binary like Gemini's), serialised by a
/// lock because replies stream from their own task; whole messages in.</summary>
internal sealed class FakeWire(WebSocket ws, bool binary = false)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public WebSocket Socket => ws;

    public async Task SendAsync(JsonObject message, CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync(ct);
        try
        {
            if (ws.State == WebSocketState.Open)
            {
                await ws.SendAsync(bytes, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, ct);
            }
        }
        catch (WebSocketException)
        {
            // the client went away; the receive loop notices
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await ws.CloseOutputAsync(status, description, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The next message as text, or null once the client closed (the close is answered).</summary>
    public async Task<string?> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await ws.ReceiveAsync(buffer, ct);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "");
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }
}
