using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// A trainee's audio socket (<c>/hubs/roleplay/audio</c>, <c>--chunk-mode socket</c>), opened with <c>keep</c> for their
/// first session and bound to each next one (<c>bind &lt;sessionId&gt;</c>): chunks go out as binary messages (an 8-byte
/// little-endian offset, then the audio) written into pooled buffers, <c>commit</c> as text; every 8-byte binary message
/// back is an acknowledgement, any text message an event (an error, counted).
/// </summary>
internal sealed class AudioSocket : IAsyncDisposable
{
    private readonly LoadRun _run;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiver;

    private AudioSocket(LoadRun run) => _run = run;

    public static Task<AudioSocket> OpenAsync(LoadRun run, HttpMessageInvoker invoker, string baseUrl, string sessionId, string token, Action onAck, Action<string> onEvent) =>
        OpenAsync(run, invoker, WebSocketUrls.Of(baseUrl, $"/hubs/roleplay/audio?sessionId={sessionId}&keep=true&access_token={token}"), onAck, onEvent);

    /// <summary>A socket speaking the audio socket's framing to <paramref name="uri"/> (the floor server's too).</summary>
    public static async Task<AudioSocket> OpenAsync(LoadRun run, HttpMessageInvoker invoker, Uri uri, Action onAck, Action<string> onEvent)
    {
        var socket = new AudioSocket(run);
        socket._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket._socket.ConnectAsync(uri, invoker, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        socket._receiver = Task.Run(() => WebSocketReceiver.RunAsync(socket._socket, ReadOnlyMemory<byte>.Empty, 1_024, (buffer, length, end) =>
        {
            if (!end)
            {
                return length;
            }

            if (length == 8)
            {
                onAck();
            }
            else
            {
                onEvent(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
            }

            return 0;
        }, socket._stop.Token));
        return socket;
    }

    /// <summary>Sends a chunk of the recording, stamped as <see cref="LoadRun.Stamp"/> says.</summary>
    public async Task SendChunkAsync(byte[] audio, long offset, int user, long sent)
    {
        var record = ArrayPool<byte>.Shared.Rent(8 + audio.Length);
        BinaryPrimitives.WriteInt64LittleEndian(record, offset);
        audio.CopyTo(record.AsSpan(8));
        _run.Stamp(record.AsSpan(8, audio.Length), user, sent);
        try
        {
            await SendAsync(record.AsMemory(0, 8 + audio.Length), WebSocketMessageType.Binary);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public Task BindAsync(string sessionId) => SendAsync(System.Text.Encoding.UTF8.GetBytes("bind " + sessionId), WebSocketMessageType.Text);

    public Task CommitAsync() => SendAsync("commit"u8.ToArray(), WebSocketMessageType.Text);

    private async Task SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(message, type, true, CancellationToken.None);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Abort();
        if (_receiver is not null)
        {
            await _receiver.ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        _socket.Dispose();
    }
}
