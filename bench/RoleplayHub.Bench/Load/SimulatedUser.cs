using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace RoleplayHub.Bench.Load;

/// <summary>
/// One simulated trainee: connect, start a session, then until the deadline stream an utterance at real-time pace
/// (chunk i at t0 + 250·i ms, scheduled from t0 so timer lateness does not accumulate), commit, wait for the reply's
/// first avatar-response, pause, repeat. Every latency is measured on this client's clock. After the reply that uses
/// the session's last turn (ai-response's turnCount = maxTurns) it waits for session-ended and starts a new session,
/// as a trainee would, rather than speak into a session that is closing.
/// </summary>
internal sealed class SimulatedUser(int index, LoadRun run) : ITrainee
{
    /// <summary>The events <see cref="OnMessage"/> reads.</summary>
    private static readonly HashSet<string> Targets = ["transcription", "ai-response-delta", "ai-response", "avatar-response", "session-ended", "error"];

    private readonly ConcurrentQueue<long> _unacked = new();
    private readonly ConcurrentDictionary<string, (string Target, long At)> _pending = new();
    private readonly Lock _gate = new();
    private readonly ChunkPacer _pacer = new();
    private HubSocket? _socket;
    private AudioSocket? _audio;
    private string? _sessionId;
    private string? _streamId;
    private int _sessionSeq;
    private long _offset;
    private long _chunksSent; // the stamp of the next chunk (LoadRun.Stamp)
    private TaskCompletionSource<string?>? _started;
    private TaskCompletionSource<bool>? _ended;
    private TaskCompletionSource _closedByServer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _lastTurnAnswered;
    private Utterance? _utterance;
    private volatile bool _connected;
    private int _refusedStarts; // in a row

    public bool HasSession => _connected && _sessionId is not null;

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

            if (run.Options.Idle)
            {
                await Timing.DelayUntil(deadline); // an idle connection: pings only
                continue;
            }

            if (_sessionId is null && !await StartSessionAsync())
            {
                // As a person would: a refused start is tried again later and later (1, 2, 4… up to 16 s, jittered),
                // not every second while the node says it is busy.
                var backOff = Math.Min(16_000, 1_000 << Math.Min(_refusedStarts++, 4));
                await Task.Delay(backOff / 2 + Random.Shared.Next(backOff / 2));
                continue;
            }

            _refusedStarts = 0;

            var outcome = await SpeakAsync(deadline);
            if (outcome == "done" && _lastTurnAnswered)
            {
                await AwaitSessionEndAsync();
            }
            else if (outcome is "done" or "timeout")
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
        var socket = new HubSocket(run.Options.Protocol == "messagepack") { OnAck = OnAck, OnCompletion = OnChunkCompletion, OnMessage = OnMessage, OnClosed = OnClosed, Targets = Targets };
        var started = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(run.Http, run.Options.Url, run.TokenFor(index), CancellationToken.None, run.WebSockets).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex)
        {
            run.Count("connectErrors", ex.Message);
            await socket.DisposeAsync();
            return false;
        }

        run.Connect.Add(Timing.Ms(started));
        _socket = socket;
        _connected = true;
        return true;
    }

    private async Task<bool> StartSessionAsync()
    {
        var sessionId = $"lg-{run.RunId}-{index}-{++_sessionSeq}";
        var id = _socket!.NextInvocationId();
        _started = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.GetTimestamp();
        _pending[id] = ("start-session", started);
        await _socket.InvokeAsync(id, "start-session",
            $"[{{\"sessionId\":\"{sessionId}\",\"scenarioId\":\"{run.Options.Scenario}\",\"audioAck\":\"{run.Options.AudioAck}\",\"audioAckEvery\":{run.Options.AudioAckEvery},\"audioFormat\":{{\"encoding\":\"pcm16\",\"sampleRate\":16000,\"channels\":1}}}}]");
        var result = await _started.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (string.IsNullOrEmpty(result))
        {
            if (result is null)
            {
                run.Count("startFailures", "no session-started within 10 s");
            }

            return false;
        }

        run.StartSession.Add(Timing.Ms(started));
        Interlocked.Increment(ref run.SessionsStarted);
        lock (_gate)
        {
            _sessionId = result;
            _offset = 0;
            _lastTurnAnswered = false;
            _closedByServer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (run.Options.ChunkMode == "socket")
        {
            try
            {
                if (_audio is { IsOpen: true } kept)
                {
                    await kept.BindAsync(result); // the socket outlives the drill: no new connection per session
                }
                else
                {
                    _audio = await AudioSocket.OpenAsync(run, run.WebSockets, run.Options.Url, result, run.TokenFor(index), OnAck,
                        message => run.Count("audioSocketEvents", message.Length > 120 ? message[..120] : message));
                }
            }
            catch (Exception ex)
            {
                run.Count("audioSocketErrors", ex.Message);
                return false;
            }
        }

        if (run.Options.ChunkMode == "stream")
        {
            _streamId = "a" + _sessionSeq;
            await _socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(
                $"{{\"type\":1,\"target\":\"stream-audio\",\"arguments\":[\"{result}\"],\"streamIds\":[\"{_streamId}\"]}}\u001e"));
        }

        return true;
    }

    private async Task<string> SpeakAsync(long deadline)
    {
        var sessionId = _sessionId!;
        var socket = _socket!;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < run.Chunks.Count; i++)
        {
            var due = LoadRun.ChunkDue(t0, i);
            await _pacer.UntilAsync(due);
            if (_sessionId != sessionId || Stopwatch.GetTimestamp() >= deadline)
            {
                return _sessionId != sessionId ? (_connected ? "ended" : "closed") : "deadline";
            }

            var now = run.RecordSend(due);
            string? invocationId = null;
            if (run.Options.ChunkMode == "invoke")
            {
                invocationId = socket.NextInvocationId();
                _pending[invocationId] = ("audio-chunk", now);
            }

            _unacked.Enqueue(now);
            if (_audio is { } audio)
            {
                await audio.SendChunkAsync(run.Chunks[i], _offset, index, _chunksSent++);
                _offset += run.Chunks[i].Length;
            }
            else
            {
                var (buffer, length) = run.ChunkRecord(i, index, _chunksSent++, sessionId, _offset, invocationId, _streamId);
                _offset += run.Chunks[i].Length;
                await socket.SendAsync(buffer.AsMemory(0, length));
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            Interlocked.Increment(ref run.ChunksSent);
        }

        var utterance = new Utterance(Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _utterance = utterance;
        }

        if (_audio is { } committing)
        {
            await committing.CommitAsync(); // in order with the audio
        }
        else if (_streamId is { } streamId)
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":2,\"invocationId\":\"{streamId}\",\"item\":{{\"commit\":true}}}}\u001e"));
        }
        else
        {
            var commitId = socket.NextInvocationId();
            _pending[commitId] = ("commit-audio", utterance.At);
            await socket.InvokeAsync(commitId, "commit-audio", $"[{{\"sessionId\":\"{sessionId}\"}}]");
        }
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

    /// <summary>The server ends the session after its last reply; until it says so, nothing more is sent into it.</summary>
    private async Task AwaitSessionEndAsync()
    {
        Task closed;
        lock (_gate)
        {
            closed = _closedByServer.Task;
        }

        if (await closed.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default))
        {
            return;
        }

        run.Count("endTimeouts", "no session-ended within 10 s of the last turn's reply");
        lock (_gate)
        {
            _sessionId = null; // a new session, rather than one the server may still be closing
        }
    }

    private async Task FinishAsync()
    {
        if (_connected && _sessionId is { } sessionId && _socket is { } socket)
        {
            _ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await socket.InvokeAsync(socket.NextInvocationId(), "end-session", $"[{{\"sessionId\":\"{sessionId}\"}}]");
            await _ended.Task.WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        _connected = false;
        _pacer.Dispose();
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    private void OnAck() => run.Acknowledged(_unacked, run.Options.AudioAckEvery);

    /// <summary>An audio-chunk's completion, taken without parsing; any other goes to <see cref="OnMessage"/>.</summary>
    private bool OnChunkCompletion(string invocationId, bool hasResult)
    {
        if (!_pending.TryGetValue(invocationId, out var pending) || pending.Target != "audio-chunk" || !_pending.TryRemove(invocationId, out _))
        {
            return false;
        }

        run.ChunkCompletion.Add(Timing.Ms(pending.At));
        if (hasResult)
        {
            OnAck(); // audioAck: completion
        }

        return true;
    }

    private void OnMessage(int type, string? key, JsonElement message)
    {
        var now = Stopwatch.GetTimestamp();
        if (type == 3)
        {
            if (key is null || !_pending.TryRemove(key, out var pending))
            {
                return;
            }

            if (message.TryGetProperty("error", out var error))
            {
                if (pending.Target == "start-session")
                {
                    // "… HubException: server-busy: This node …": counted by its code (a busy node refuses thousands).
                    var text = error.GetString() ?? "";
                    var code = text.Split("HubException: ", 2) is [_, var rest] ? rest.Split(':', 2)[0] : text;
                    run.Count("startsRefused", code);
                    _started?.TrySetResult(""); // refused
                    return;
                }

                run.Count("completionErrors", $"{pending.Target}: {error.GetString()}");
                return;
            }

            if (pending.Target == "audio-chunk")
            {
                run.ChunkCompletion.Add(Timing.Ms(pending.At, now));
                if (message.TryGetProperty("result", out var ack) && ack.ValueKind == JsonValueKind.Object)
                {
                    OnAck(); // audioAck: completion
                }
            }
            else if (pending.Target == "start-session")
            {
                _started?.TrySetResult(message.GetProperty("result").GetProperty("sessionId").GetString());
            }

            return;
        }

        if (type == 7)
        {
            run.Count("serverClose", message.TryGetProperty("error", out var reason) ? reason.GetString() ?? "close" : "close");
            return;
        }

        var payload = message.GetProperty("arguments")[0];
        switch (key)
        {
            case "transcription" or "ai-response" or "avatar-response":
                OnTurnEvent(key, payload, now);
                break;
            case "ai-response-delta":
                Interlocked.Increment(ref run.ReplyDeltas);
                break;
            case "session-ended":
                OnSessionEnded(payload);
                break;
            case "error":
                run.Count("serverErrors", payload.GetProperty("code").GetString() + ": " + payload.GetProperty("message").GetString());
                break;
        }
    }

    private void OnTurnEvent(string name, JsonElement payload, long now)
    {
        Utterance? utterance;
        lock (_gate)
        {
            utterance = _utterance;
        }

        var turn = payload.GetProperty("turn").GetInt32();
        if (name == "transcription" && !payload.GetProperty("isFinal").GetBoolean())
        {
            Interlocked.Increment(ref run.Partials);
            return;
        }

        if (utterance is null || turn == 0)
        {
            return;
        }

        switch (name)
        {
            case "transcription" when utterance.Turn is null:
                utterance.Turn = turn;
                run.CommitToTranscription.Add(Timing.Ms(utterance.At, now));
                break;
            case "ai-response" when turn == utterance.Turn && !utterance.SawReply:
                utterance.SawReply = true;
                _lastTurnAnswered = payload.TryGetProperty("maxTurns", out var max) && max.ValueKind == JsonValueKind.Number
                    && payload.GetProperty("turnCount").GetInt32() >= max.GetInt32();
                run.CommitToAiResponse.Add(Timing.Ms(utterance.At, now));
                break;
            case "avatar-response" when turn == utterance.Turn && payload.GetProperty("segment").GetInt32() == 0:
                run.CommitToAvatar.Add(Timing.Ms(utterance.At, now));
                Interlocked.Increment(ref run.UtterancesAnswered);
                utterance.Done.TrySetResult("done");
                break;
        }
    }

    private void OnSessionEnded(JsonElement payload)
    {
        if (_ended is not null)
        {
            _ended.TrySetResult(true);
        }
        else
        {
            run.Count("serverEnds", payload.GetProperty("reason").GetString() ?? "?");
        }

        Utterance? utterance;
        string? stream;
        lock (_gate)
        {
            _sessionId = null;
            stream = _streamId;
            _streamId = null;
            utterance = _utterance;
            _closedByServer.TrySetResult();
        }

        if (stream is not null && _socket is { } socket)
        {
            _ = socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":3,\"invocationId\":\"{stream}\"}}\u001e"));
        }

        _unacked.Clear();
        utterance?.Done.TrySetResult("ended"); // the audio socket is kept for the next session
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
            _sessionId = null;
            utterance = _utterance;
        }

        _unacked.Clear();
        DropAudioSocket();
        utterance?.Done.TrySetResult("closed");
    }

    /// <summary>The hub connection is gone: so is the audio socket it was kept beside.</summary>
    private void DropAudioSocket()
    {
        if (Interlocked.Exchange(ref _audio, null) is { } audio)
        {
            _ = audio.DisposeAsync().AsTask();
        }
    }

    private sealed class Utterance(long at)
    {
        public long At { get; } = at;

        public int? Turn { get; set; }

        public bool SawReply { get; set; }

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
