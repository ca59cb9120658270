using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// One audio socket: reads chunks and commits in order, hands them to the session as the hub's <c>audio-chunk</c>
/// and <c>commit-audio</c> do (the same checks and limits, on the limits of the connection the session is attached
/// to), and acknowledges each accepted chunk (or every Nth, <c>audioAckEvery</c>) with its 8-byte offset. Invariant:
/// one reader (the loop) and one writer at a time (<see cref="_send"/>); the socket is closed once, for the first reason.
/// An idle socket holds no buffer: it waits with a zero-byte read and rents one only while a message arrives.
/// </summary>
internal sealed partial class AudioSocketConnection(
    WebSocket socket, SessionManager sessions, ClientConnection connection, string sessionId,
    JsonSerializerOptions json, RoleplayMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>How long a close waits for the client's answering close before the socket is dropped.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly byte[] _ack = new byte[AudioSocketFrames.AckBytes];
    private readonly int _capacity = AudioSocketFrames.OffsetBytes + sessions.Options.MaxChunkBytes;

    /// <summary>What a message is first read into: a 250 ms chunk of 16 kHz pcm16 and its offset fit, and the pool keeps
    /// arrays this small off the large-object heap; a larger chunk grows it.</summary>
    private const int FirstRent = 16 * 1024;

    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _message;
    private int _closing;

    /// <summary>Reads until the client closes or <paramref name="end"/> fires (the session ended, or another socket
    /// replaced this one), then closes with <paramref name="endReason"/>.</summary>
    public async Task RunAsync(CancellationToken end, Func<string> endReason)
    {
        using var closeOnEnd = end.Register(() => _ = EndAsync(endReason()));
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                // Wait without a buffer: thousands of idle sockets hold none.
                var ready = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (ready.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _message = ArrayPool<byte>.Shared.Rent(FirstRent);
                try
                {
                    var (type, length, tooLarge) = await ReceiveMessageAsync();
                    if (type == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (!await HandleAsync(type, _message.AsMemory(0, length), tooLarge))
                    {
                        return;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(_message);
                    _message = null;
                }
            }

            await SendCloseAsync(WebSocketCloseStatus.NormalClosure, "closed"); // the client's close, answered
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogDropped(sessionId, ex.Message); // the client went away, or the socket was closed or aborted under us
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    /// <summary>Reads one message into <see cref="_message"/>, growing it up to the chunk limit. Past the limit the rest
    /// is read over the audio and thrown away: the message is refused, and the socket is still in step.</summary>
    private async ValueTask<(WebSocketMessageType Type, int Length, bool TooLarge)> ReceiveMessageAsync()
    {
        var length = 0;
        var tooLarge = false;
        while (true)
        {
            if (length == _message!.Length)
            {
                if (length > _capacity)
                {
                    tooLarge = true;
                    length = AudioSocketFrames.OffsetBytes;
                }
                else
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(2 * length, _capacity + 1));
                    _message.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_message);
                    _message = larger;
                }
            }

            var result = await socket.ReceiveAsync(_message.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0, false);
            }

            length += result.Count;
            tooLarge |= length > _capacity;
            if (result.EndOfMessage)
            {
                return (result.MessageType, Math.Min(length, _capacity), tooLarge);
            }
        }
    }

    /// <summary>Returns false when the socket has been closed (the session cannot take audio from it any more).</summary>
    private async ValueTask<bool> HandleAsync(WebSocketMessageType type, ReadOnlyMemory<byte> message, bool tooLarge)
    {
        if (type == WebSocketMessageType.Text)
        {
            var error = AudioSocketFrames.IsCommit(message.Span)
                ? sessions.Commit(connection, sessionId)
                : ClientError.InvalidRequest("The audio socket's only text message is \"commit\"; audio goes in binary messages (an 8-byte little-endian offset, then the audio).");
            return error is not { } commitError || await RefuseAsync(commitError);
        }

        if (message.Length < AudioSocketFrames.OffsetBytes)
        {
            return await RefuseAsync(ClientError.InvalidRequest("A binary message is a chunk: its offset as an 8-byte little-endian integer (-1 appends), then the audio."));
        }

        var outcome = sessions.AcceptChunk(connection, sessionId,
            new IncomingChunk(AudioSocketFrames.Offset(message.Span), message.Span[AudioSocketFrames.OffsetBytes..], tooLarge, null));
        if (outcome.Error is { } refused)
        {
            return await RefuseAsync(refused);
        }

        if (outcome.AckDeferred)
        {
            return true;
        }

        if (outcome.AudioChanged is not null || outcome.Warning is not null)
        {
            // More to say than an offset: the whole audio-received, as the hub would send it.
            var acknowledgement = outcome.ToAcknowledgement(sessionId, time.GetUtcNow().ToUnixTimeMilliseconds());
            return await SendTextAsync(acknowledgement);
        }

        AudioSocketFrames.WriteAck(_ack, outcome.TotalBytes); // the loop is the only writer of _ack
        return await SendAsync(_ack, WebSocketMessageType.Binary);
    }

    /// <summary>Sends the error; an error about the session itself (ended, gone, attached elsewhere) also closes the
    /// socket, since no later chunk can be taken on it.</summary>
    private async ValueTask<bool> RefuseAsync(ClientError error)
    {
        metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        var sent = await SendTextAsync(error.ToRefusal(sessionId, time.GetUtcNow().ToUnixTimeMilliseconds()));
        if (sent && error.Code is ErrorCodes.SessionNotFound or ErrorCodes.SessionEnded or ErrorCodes.SessionNotAttached)
        {
            await SendCloseAsync(WebSocketCloseStatus.PolicyViolation, error.Code);
            return false;
        }

        return sent;
    }

    // Errors and format changes only: rare, so serialised on the spot.
    private ValueTask<bool> SendTextAsync(object payload) =>
        SendAsync(JsonSerializer.SerializeToUtf8Bytes(new AudioSocketEvent(WireEventNames.Of(payload), payload), json), WebSocketMessageType.Text);

    /// <summary>Sends one message unless the socket is closing; false when it is.</summary>
    private async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        await _send.WaitAsync();
        try
        {
            if (Volatile.Read(ref _closing) != 0)
            {
                return false;
            }

            await socket.SendAsync(message, type, endOfMessage: true, CancellationToken.None);
            return true;
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>From outside the loop (the session ended, or another socket replaced this one): closes, then gives the
    /// client <see cref="CloseWait"/> to answer, which ends the read loop, before the socket is dropped.</summary>
    private async Task EndAsync(string reason)
    {
        await SendCloseAsync(WebSocketCloseStatus.NormalClosure, reason);
        try
        {
            await _finished.Task.WaitAsync(CloseWait, time);
        }
        catch (TimeoutException)
        {
            socket.Abort(); // the client did not answer the close
        }
    }

    /// <summary>Sends the close once, for the first reason; later ones are dropped.</summary>
    private async Task SendCloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        await _send.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var wait = new CancellationTokenSource(CloseWait);
                await socket.CloseOutputAsync(status, reason, wait.Token);
            }

            LogClosed(sessionId, reason);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            socket.Abort();
        }
        finally
        {
            _send.Release();
        }
    }

    [LoggerMessage(LogLevel.Debug, "Audio socket of session {SessionId} closed: {Reason}")]
    private partial void LogClosed(string sessionId, string reason);

    [LoggerMessage(LogLevel.Debug, "Audio socket of session {SessionId} dropped: {Reason}")]
    private partial void LogDropped(string sessionId, string reason);
}
