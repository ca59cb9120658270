using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// One simulated trainee of the Node/Socket.io reference server (<c>--target socketio</c>), with the same workload as
/// <see cref="SimulatedUser"/>: Socket.io 4 spoken over a raw WebSocket (Engine.IO v4: <c>0</c> open, <c>2</c>/<c>3</c>
/// ping/pong, <c>40</c> connect with the token as auth, <c>42[event, payload]</c> events), so driving the reference
/// costs the generator what driving the hub does. The reference runs a whole turn per 32 KB flush (its seed contract):
/// the turn that answers a commit is the N-th of its kind in the session, N being the flushes predicted from the bytes
/// sent, as the reference's own load generator correlates them.
/// </summary>
internal sealed class SocketIoUser(int index, LoadRun run) : ITrainee
{
    private const int FlushBytes = 32 * 1024;
    private static readonly byte[] AckPrefix = "42[\"audio-received\""u8.ToArray();

    private readonly ConcurrentQueue<long> _unacked = new();
    private readonly Lock _gate = new();
    private readonly ChunkPacer _pacer = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;
    private Task _receiver = Task.CompletedTask;
    private CancellationTokenSource _stop = new();
    private TaskCompletionSource<bool>? _connectedSignal;
    private TaskCompletionSource<string?>? _started;
    private TaskCompletionSource<bool>? _ended;
    private Session? _session;
    private Utterance? _utterance;
    private int _sessionSeq;
    private long _chunksSent; // the stamp of the next chunk (LoadRun.Stamp)
    private long _lastServerEnd;
    private volatile bool _connected;

    public bool HasSession => _connected && _session is not null;

    public bool IsConnected => _connected;

    public async Task RunAsync(long startAt, long deadline)
    {
        await Timing.DelayUntil(startAt);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (!_connected && !await ConnectAsync())
            {
                await Task.Delay(1_000);
                continue;
            }

            if (_session is null && !await StartSessionAsync())
            {
                await Task.Delay(1_000);
                continue;
            }

            var outcome = await SpeakAsync(deadline);
            if (outcome is "done" or "timeout")
            {
                await Timing.DelayUntil(Math.Min(Stopwatch.GetTimestamp() + Timing.Ticks(run.Options.Pause.TotalMilliseconds), deadline));
            }
            else if (outcome == "closed")
            {
                await Task.Delay(1_000);
            }
        }

        await FinishAsync();
    }

    private async Task<bool> ConnectAsync()
    {
        var started = Stopwatch.GetTimestamp();
        _socket = new ClientWebSocket();
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _stop = new CancellationTokenSource();
        _connectedSignal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var url = WebSocketUrls.Of(run.Options.Url, "/socket.io/?EIO=4&transport=websocket");
            await _socket.ConnectAsync(url, run.WebSockets, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            _receiver = Task.Run(ReceiveLoopAsync);
            if (!await _connectedSignal.Task.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                throw new InvalidOperationException("the server refused the Socket.io connection");
            }
        }
        catch (Exception ex)
        {
            run.Count("connectErrors", ex.Message);
            await CloseSocketAsync();
            return false;
        }

        run.Connect.Add(Timing.Ms(started));
        _connected = true;
        return true;
    }

    private async Task<bool> StartSessionAsync()
    {
        var sessionId = $"lg-{run.RunId}-{index}-{++_sessionSeq}";
        _started = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        await SendAsync(Encoding.UTF8.GetBytes($"42[\"start-session\",{{\"sessionId\":\"{sessionId}\",\"scenarioId\":\"{run.Options.Scenario}\"}}]"));
        var result = await _started.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (result is null)
        {
            run.Count("startFailures", "no session-started within 10 s");
            return false;
        }

        run.StartSession.Add(Timing.Ms(started));
        Interlocked.Increment(ref run.SessionsStarted);
        lock (_gate)
        {
            _session = new Session(result);
        }

        return true;
    }

    private async Task<string> SpeakAsync(long deadline)
    {
        var session = _session!;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < run.Chunks.Count; i++)
        {
            var due = LoadRun.ChunkDue(t0, i);
            await _pacer.UntilAsync(due);
            if (_session != session || Stopwatch.GetTimestamp() >= deadline)
            {
                return _session != session ? (_connected ? "ended" : "closed") : "deadline";
            }

            _unacked.Enqueue(run.RecordSend(due));
            var (buffer, length) = run.SocketIoChunkRecord(i, index, _chunksSent++, session.Id, session.Offset);
            session.Offset += run.Chunks[i].Length;
            session.Buffered += run.Chunks[i].Length;
            if (session.Buffered >= FlushBytes)
            {
                session.Flushes++;
                session.Buffered = 0;
            }

            await SendAsync(buffer.AsMemory(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref run.ChunksSent);
        }

        if (session.Buffered > 0)
        {
            session.Flushes++;
        }

        session.Buffered = 0;
        var utterance = new Utterance(Stopwatch.GetTimestamp(), session.Flushes);
        lock (_gate)
        {
            _utterance = utterance;
        }

        await SendAsync(Encoding.UTF8.GetBytes($"42[\"commit-audio\",{{\"sessionId\":\"{session.Id}\"}}]"));
        var remaining = Math.Max(0, Math.Min(run.Options.TurnTimeout.TotalMilliseconds, Timing.Ms(Stopwatch.GetTimestamp(), deadline)));
        var outcome = await utterance.Done.Task.WaitAsync(TimeSpan.FromMilliseconds(remaining)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "timeout", TaskScheduler.Default);
        lock (_gate)
        {
            _utterance = null;
        }

        if (outcome == "timeout" && remaining >= run.Options.TurnTimeout.TotalMilliseconds)
        {
            run.Count("turnTimeouts", "no avatar-response within the turn timeout");
        }

        return outcome;
    }

    private async Task FinishAsync()
    {
        if (_connected && _session is { } session)
        {
            _ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync(Encoding.UTF8.GetBytes($"42[\"end-session\",{{\"sessionId\":\"{session.Id}\"}}]"));
            await _ended.Task.WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        _connected = false;
        _pacer.Dispose();
        await CloseSocketAsync();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> packet)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket is { State: WebSocketState.Open } socket)
            {
                await socket.SendAsync(packet, WebSocketMessageType.Text, true, CancellationToken.None);
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

    private async Task ReceiveLoopAsync()
    {
        // Engine.IO v4 over WebSocket: one packet per message.
        var reason = await WebSocketReceiver.RunAsync(_socket!, ReadOnlyMemory<byte>.Empty, 64 * 1024, (buffer, length, endOfMessage) =>
        {
            if (!endOfMessage)
            {
                return length;
            }

            Handle(buffer.AsSpan(0, length));
            return 0;
        }, _stop.Token);
        _connectedSignal?.TrySetResult(false);
        if (reason.Length > 0 && _connected)
        {
            OnClosed(reason);
        }
    }

    private void Handle(ReadOnlySpan<byte> packet)
    {
        // Hot path: acknowledgements, four times a second per session, are recognised without parsing.
        if (packet.StartsWith(AckPrefix))
        {
            OnAck();
            return;
        }

        if (packet.Length == 0)
        {
            return;
        }

        switch (packet[0])
        {
            case (byte)'0': // Engine.IO open: connect to the default namespace with the token as auth
                _ = SendAsync(Encoding.UTF8.GetBytes($"40{{\"token\":\"{run.TokenFor(index)}\"}}"));
                return;
            case (byte)'2': // ping: answer at once, or the server drops the connection
                _ = SendAsync("3"u8.ToArray());
                return;
            case (byte)'4' when packet.Length > 1:
                HandleSocketIo(packet[1..]);
                return;
        }
    }

    private void HandleSocketIo(ReadOnlySpan<byte> packet)
    {
        switch (packet[0])
        {
            case (byte)'0':
                _connectedSignal?.TrySetResult(true);
                return;
            case (byte)'4': // connect error, e.g. the token refused
                run.Count("connectErrors", Encoding.UTF8.GetString(packet[1..]));
                _connectedSignal?.TrySetResult(false);
                return;
            case (byte)'1':
                OnClosed("the server disconnected the socket");
                return;
            case (byte)'2':
                break;
            default:
                return;
        }

        using var document = JsonDocument.Parse(packet[1..].ToArray());
        var root = document.RootElement;
        var name = root[0].GetString();
        var payload = root.GetArrayLength() > 1 ? root[1] : default;
        var now = Stopwatch.GetTimestamp();
        switch (name)
        {
            case "session-started":
                _started?.TrySetResult(payload.GetProperty("sessionId").GetString());
                break;
            case "transcription" or "ai-response" or "avatar-response":
                OnTurnEvent(name, payload, now);
                break;
            case "session-ended":
                OnSessionEnded(payload, now);
                break;
            case "error":
                if (Timing.Ms(Interlocked.Read(ref _lastServerEnd), now) < 2_000)
                {
                    run.Count("errorsAfterServerEnd", "chunks on the wire when the server ended the session");
                }
                else
                {
                    run.Count("serverErrors", payload.TryGetProperty("message", out var message) ? message.GetString() ?? "?" : "?");
                }

                break;
        }
    }

    private void OnAck() => run.Acknowledged(_unacked, covers: 1);

    private void OnTurnEvent(string name, JsonElement payload, long now)
    {
        Session? session;
        Utterance? utterance;
        lock (_gate)
        {
            session = _session;
            utterance = _utterance;
        }

        if (session is null)
        {
            return;
        }

        var seen = name switch
        {
            "transcription" => ++session.Transcriptions,
            "ai-response" => ++session.Replies,
            _ => ++session.Avatars,
        };
        if (utterance is null || seen != utterance.TurnIndex)
        {
            return; // a turn of an earlier flush
        }

        switch (name)
        {
            case "transcription":
                run.CommitToTranscription.Add(Timing.Ms(utterance.At, now));
                break;
            case "ai-response":
                run.CommitToAiResponse.Add(Timing.Ms(utterance.At, now));
                break;
            default:
                run.CommitToAvatar.Add(Timing.Ms(utterance.At, now));
                Interlocked.Increment(ref run.UtterancesAnswered);
                utterance.Done.TrySetResult("done");
                break;
        }
    }

    private void OnSessionEnded(JsonElement payload, long now)
    {
        if (_ended is not null)
        {
            _ended.TrySetResult(true);
        }
        else
        {
            run.Count("serverEnds", payload.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "?" : "?");
            Interlocked.Exchange(ref _lastServerEnd, now);
        }

        Utterance? utterance;
        lock (_gate)
        {
            _session = null;
            utterance = _utterance;
        }

        _unacked.Clear(); // acks for chunks the server accepted arrived before session-ended
        utterance?.Done.TrySetResult("ended");
    }

    private void OnClosed(string reason)
    {
        _connected = false;
        run.Count("disconnects", reason);
        _started?.TrySetResult(null);
        _ended?.TrySetResult(false);
        Utterance? utterance;
        lock (_gate)
        {
            _session = null;
            utterance = _utterance;
        }

        _unacked.Clear();
        utterance?.Done.TrySetResult("closed");
    }

    private async Task CloseSocketAsync()
    {
        if (_socket is not { } socket)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }

        await _receiver.ContinueWith(static _ => { }, TaskScheduler.Default);
        socket.Dispose();
    }

    private sealed class Session(string id)
    {
        public string Id { get; } = id;

        public long Offset { get; set; }

        /// <summary>Bytes the server holds since its last flush (predicted), and the flushes so far (its turns).</summary>
        public int Buffered { get; set; }

        public int Flushes { get; set; }

        public int Transcriptions { get; set; }

        public int Replies { get; set; }

        public int Avatars { get; set; }
    }

    private sealed class Utterance(long at, int turnIndex)
    {
        public long At { get; } = at;

        /// <summary>Which turn of the session answers this commit.</summary>
        public int TurnIndex { get; } = turnIndex;

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
