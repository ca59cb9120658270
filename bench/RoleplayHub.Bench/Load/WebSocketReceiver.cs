using System.Buffers;
using System.Net.WebSockets;

namespace RoleplayHub.Bench.Load;

/// <summary>The receive loop both simulated clients share: a pooled buffer that grows when a message outgrows it, and
/// a consumer that takes what it can parse and says how many bytes are left for the next read.</summary>
internal static class WebSocketReceiver
{
    /// <summary>Parses <paramref name="length"/> bytes of <paramref name="buffer"/>; returns how many remain unparsed
    /// (moved to the start of the buffer).</summary>
    public delegate int Consume(byte[] buffer, int length, bool endOfMessage);

    /// <summary>Receives until the socket closes or <paramref name="stop"/> is cancelled; returns why it ended
    /// (empty when stopped).</summary>
    public static async Task<string> RunAsync(ClientWebSocket socket, ReadOnlyMemory<byte> carry, int size, Consume consume, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, carry.Length));
        carry.Span.CopyTo(buffer);
        var length = carry.IsEmpty ? 0 : consume(buffer, carry.Length, endOfMessage: true);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), stop);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return $"server closed the socket ({socket.CloseStatus})";
                }

                length = consume(buffer, length + result.Count, result.EndOfMessage);
            }

            return "";
        }
        catch (OperationCanceledException)
        {
            return "";
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            return ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
