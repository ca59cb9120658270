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
/// <remarks>
/// A socket opened with <c>keep</c> outlives its session: when the session ends it stays open, unbound, and
/// <c>bind &lt;sessionId&gt;</c> moves it to another of the caller's sessions (checked as an opening is). A drill then
/// costs no new connection, whose state (Kestrel's, the WebSocket's, the token's claims) would live as long as the
/// drill and be copied by the collector into its oldest generation (docs/benchmarks.md). A kept socket left unbound
/// for <c>Hub:SessionStartTimeout</c> is closed.
/// </remarks>
internal sealed partial class AudioSocketConnection(
    WebSocket socket, SessionManager sessions, AudioSockets sockets, string userId, bool keep, TimeSpan unboundLimit,
    JsonSerializerOptions json, RoleplayMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>How long a close waits for the client's answering close before the socket is dropped.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly byte[] _ack = new byte[AudioSocketFrames.AckBytes];
    private readonly int _capacity = AudioSocketFrames.OffsetBytes + sessions.Options.MaxChunkBytes;
    private readonly Lock _gate = new();

    /// <summary>What a message is first read into: a 250 ms chunk of 16 kHz pcm16 and its offset fit, and the pool keeps
    /// arrays this small off the large-object heap; a larger chunk grows it.</summary>
    private const int FirstRent = 16 * 1024;

    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _message;
    private int _closing;
    private Binding? _binding; // under _gate: the session the socket carries; null once it ended (kept sockets only)
    private CancellationTokenSource? _unbound; // under _gate: closes a kept socket left without a session

    /// <summary>Reads until the client closes, the socket's session ends (unless kept), another socket replaces it, or a
    /// kept socket stays unbound too long; then closes, saying why.</summary>
    public async Task RunAsync(string sessionId, ClientConnection connection, CancellationToken ended)
    {
        Bind(sessionId, connection, ended);
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
            LogDropped(CurrentSessionId, ex.Message); // the client went away, or the socket was closed or aborted under us
        }
        finally
        {
            Swap(null);
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
        Binding? binding;
        lock (_gate)
        {
            binding = _binding;
        }

        if (type == WebSocketMessageType.Text)
        {
            if (keep && AudioSocketFrames.BindTarget(message.Span) is { } target)
            {
                return BindTo(target) is not { } bindError || await RefuseAsync(bindError, binding?.SessionId ?? target);
            }

            var error = !AudioSocketFrames.IsCommit(message.Span)
                ? ClientError.InvalidRequest(keep
                    ? "The audio socket's text messages are \"commit\" and \"bind <sessionId>\"; audio goes in binary messages (an 8-byte little-endian offset, then the audio)."
                    : "The audio socket's only text message is \"commit\"; audio goes in binary messages (an 8-byte little-endian offset, then the audio).")
                : binding is null ? Unbound() : sessions.Commit(binding.Connection, binding.SessionId);
            return error is not { } commitError || await RefuseAsync(commitError, binding?.SessionId);
        }

        if (message.Length < AudioSocketFrames.OffsetBytes)
        {
            return await RefuseAsync(ClientError.InvalidRequest("A binary message is a chunk: its offset as an 8-byte little-endian integer (-1 appends), then the audio."), binding?.SessionId);
        }

        if (binding is null)
        {
            return await RefuseAsync(Unbound(), null);
        }

        var outcome = sessions.AcceptChunk(binding.Connection, binding.SessionId,
            new IncomingChunk(AudioSocketFrames.Offset(message.Span), message.Span[AudioSocketFrames.OffsetBytes..], tooLarge, null));
        if (outcome.Error is { } refused)
        {
            return await RefuseAsync(refused, binding.SessionId);
        }

        if (outcome.AckDeferred)
        {
            return true;
        }

        if (outcome.AudioChanged is not null || outcome.Warning is not null)
        {
            // More to say than an offset: the whole audio-received, as the hub would send it.
            var acknowledgement = outcome.ToAcknowledgement(binding.SessionId, time.GetUtcNow().ToUnixTimeMilliseconds());
            return await SendTextAsync(acknowledgement);
        }

        AudioSocketFrames.WriteAck(_ack, outcome.TotalBytes); // the loop is the only writer of _ack
        return await SendAsync(_ack, WebSocketMessageType.Binary);
    }

    private static ClientError Unbound() =>
        new(ErrorCodes.SessionEnded, "This audio socket's session has ended; bind it to the next one (\"bind <sessionId>\") before sending its audio.", false);

    /// <summary>Moves a kept socket to another of the caller's sessions, checked as an opening is; the socket is left
    /// as it was when the session cannot take it.</summary>
    private ClientError? BindTo(string sessionId)
    {
        if (sessions.FindAttached(userId, sessionId, out var connection, out var ended) is { } error)
        {
            return error;
        }

        lock (_gate)
        {
            if (_binding is { } current && current.SessionId == sessionId)
            {
                // Already its socket (registering again would replace this very one): the session may have been resumed
                // on another connection since, whose limits its audio now counts against.
                current.Connection = connection!;
                return null;
            }
        }

        Bind(sessionId, connection!, ended);
        return null;
    }

    /// <summary>Carries <paramref name="sessionId"/> from now on: registered as its socket (replacing any other), closed
    /// when another replaces this one, and told when the session ends.</summary>
    private void Bind(string sessionId, ClientConnection connection, CancellationToken ended)
    {
        var binding = new Binding(sessionId, connection, sockets.Open(sessionId));
        Swap(binding);
        binding.OnReplaced = binding.Registration.Token.Register(static state => ((AudioSocketConnection)state!).Close("replaced"), this);
        binding.OnEnded = ended.Register(() => SessionEnded(binding));
    }

    /// <summary>The session ended: a kept socket waits, unbound, for the next one; any other closes.</summary>
    private void SessionEnded(Binding binding)
    {
        if (!keep)
        {
            Close("session-ended");
            return;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_binding, binding) || Volatile.Read(ref _closing) != 0)
            {
                return; // already moved to another session, or closing
            }

            _binding = null;
            _unbound = new CancellationTokenSource(unboundLimit, time);
            _unbound.Token.Register(static state => ((AudioSocketConnection)state!).Close("unbound"), this);
        }

        binding.Release(sockets);
    }

    /// <summary>Makes <paramref name="next"/> the socket's session (null once the socket is done) and lets the previous
    /// one go, with a kept socket's wait for a session.</summary>
    private void Swap(Binding? next)
    {
        Binding? previous;
        lock (_gate)
        {
            previous = _binding;
            _binding = next;
            _unbound?.Dispose();
            _unbound = null;
        }

        previous?.Release(sockets);
    }

    private string CurrentSessionId
    {
        get
        {
            lock (_gate)
            {
                return _binding?.SessionId ?? "(none)";
            }
        }
    }

    private void Close(string reason) => _ = EndAsync(reason);

    /// <summary>Sends the error; an error about the session itself (ended, gone, attached elsewhere) also closes the
    /// socket, since no later chunk can be taken on it, unless the socket is kept for the next session.</summary>
    private async ValueTask<bool> RefuseAsync(ClientError error, string? sessionId)
    {
        metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        var sent = await SendTextAsync(error.ToRefusal(sessionId, time.GetUtcNow().ToUnixTimeMilliseconds()));
        if (sent && !keep && error.Code is ErrorCodes.SessionNotFound or ErrorCodes.SessionEnded or ErrorCodes.SessionNotAttached)
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

            LogClosed(CurrentSessionId, reason);
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

    /// <summary>The session a socket carries, with its registration as that session's socket.</summary>
    private sealed class Binding(string sessionId, ClientConnection connection, CancellationTokenSource registration)
    {
        public string SessionId { get; } = sessionId;

        public ClientConnection Connection { get; set; } = connection; // set by the read loop only

        public CancellationTokenSource Registration { get; } = registration;

        public CancellationTokenRegistration OnReplaced { get; set; }

        public CancellationTokenRegistration OnEnded { get; set; }

        /// <summary>No longer this socket's session (it ended, the socket moved on or closed). Unregisters without waiting:
        /// this may run inside one of the callbacks.</summary>
        public void Release(AudioSockets sockets)
        {
            OnReplaced.Unregister();
            OnEnded.Unregister();
            sockets.Closed(SessionId, Registration);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Audio socket of session {SessionId} closed: {Reason}")]
    private partial void LogClosed(string sessionId, string reason);

    [LoggerMessage(LogLevel.Debug, "Audio socket of session {SessionId} dropped: {Reason}")]
    private partial void LogDropped(string sessionId, string reason);
}
