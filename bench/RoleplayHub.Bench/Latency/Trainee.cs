using System.Text.Json;
using RoleplayHub.Bench.Load;
using static RoleplayHub.Bench.Latency.BenchClock;

namespace RoleplayHub.Bench.Latency;

/// <summary>
/// One trainee talking hands-free: connect, start a session, then stream the clips one after another with their
/// silences, without a break, at real-time pace — as a microphone would, each chunk is sent once its audio has been
/// spoken, chunk k at t0 + chunkMs·(k+1) from the session's start, scheduled from t0 so timer lateness does not
/// accumulate. In <c>before</c> mode it commits <see cref="LatencyOptions.CommitAfter"/> after each clip's last word.
/// After a clip's silence it keeps streaming noise until the persona's reply has played, as a trainee waits to answer.
/// </summary>
internal sealed class Trainee(int index, LatencyRun run)
{
    private readonly Lock _gate = new();
    private readonly List<TurnMeasurement> _open = []; // this session's clips whose reply has not come yet
    private HubSocket? _socket;
    private string? _sessionId;
    private long _sessionStart;
    private long _streamMs;
    private int _sessions;
    private TaskCompletionSource<string?>? _started;
    private TaskCompletionSource<bool>? _ended;
    private volatile bool _connected;

    // The persona's reply as the page plays it: segments back to back from the first one's arrival.
    private (int Turn, long Until, bool Last) _playing;

    private bool Before => run.Options.Mode == "before";

    public async Task RunAsync(long startAt, long deadline)
    {
        await DelayUntil(startAt);
        var next = index * 3; // trainees start on different clips, so they do not say the same thing in step
        while (Now < deadline)
        {
            if (!_connected && !await ConnectAsync())
            {
                await Task.Delay(1_000);
                continue;
            }

            if (_sessionId is null && !await StartSessionAsync())
            {
                await Task.Delay(1_000);
                continue;
            }

            if (await SpeakAsync(run.Audio[next % run.Audio.Count]))
            {
                next++;
            }
        }

        await AwaitRepliesAsync();
        await FinishAsync();
    }

    private async Task<bool> ConnectAsync()
    {
        var socket = new HubSocket(messagePack: false) { OnMessage = OnMessage, OnClosed = OnClosed };
        try
        {
            await socket.ConnectAsync(run.Http, run.Options.Url, run.Token($"user{index}"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex)
        {
            run.Count("connectErrors", ex.Message);
            await socket.DisposeAsync();
            return false;
        }

        _socket = socket;
        _connected = true;
        return true;
    }

    private async Task<bool> StartSessionAsync()
    {
        var o = run.Options;
        var detection = Before
            ? "" // turnDetection none, the default; the before server knows no turnDetection at all
            : $",\"turnDetection\":{{\"type\":\"{o.TurnDetection}\"{(o.Detector is { } d ? $",\"detector\":\"{d}\"" : "")}{(o.SilenceMs is { } s ? $",\"silenceMs\":{s}" : "")}{(o.Eagerness is { } e ? $",\"eagerness\":\"{e}\"" : "")}}}";
        _started = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _socket!.InvokeAsync("start", "start-session",
            $"[{{\"sessionId\":\"lat-{run.RunId}-{index}-{++_sessions}\",\"scenarioId\":\"{o.Scenario}\"," +
            $"\"audioFormat\":{{\"encoding\":\"pcm16\",\"sampleRate\":16000,\"channels\":1}}{detection}{(o.Engine is { } engine ? $",\"engine\":\"{engine}\"" : "")}}}]");
        var sessionId = await _started.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (sessionId is null)
        {
            run.Count("startFailures", "no session-started within 10 s");
            return false;
        }

        Interlocked.Increment(ref run.SessionsStarted);
        lock (_gate)
        {
            _sessionId = sessionId;
            _sessionStart = Now;
            _streamMs = 0;
            _open.Clear();
        }

        return true;
    }

    /// <summary>Streams one clip and its silence, or what of them the session lasted for; false when the session ended
    /// or the connection dropped before the last word, so that the clip is said again.</summary>
    private async Task<bool> SpeakAsync(TurnAudio audio)
    {
        var sessionId = _sessionId!;
        var socket = _socket!;
        var start = _streamMs;
        var turn = new TurnMeasurement(audio.Name, start, start + audio.DurationMs, start + audio.SpeechStartMs, start + audio.SpeechEndMs);
        lock (_gate)
        {
            _open.Add(turn);
        }

        long? commitAt = null;
        for (var i = 0; i < audio.Chunks.Count || Waiting(turn); i++)
        {
            var chunkEnd = start + ((i + 1) * audio.ChunkMs);
            var due = _sessionStart + Ticks(chunkEnd);
            if (commitAt is { } at && at <= due)
            {
                await CommitAsync(socket, sessionId, turn, at);
                commitAt = null;
            }

            await DelayUntil(due);
            if (_sessionId != sessionId)
            {
                return turn.EndOfSpeech is not null;
            }

            var sent = Now;
            run.SendLag.Add(Ms(due, sent));
            var chunk = Math.Min(i, audio.Chunks.Count - 1); // past the recording's silence: its last chunk of noise again
            await socket.SendAsync(audio.ChunkRecord(chunk, socket.NextInvocationId(), sessionId, (chunkEnd - audio.ChunkMs) * 32));
            _streamMs = chunkEnd;
            if (turn.StartOfSpeech is null && chunkEnd >= turn.SpeechStartMs)
            {
                lock (_gate)
                {
                    turn.StartOfSpeech = sent - Ticks(chunkEnd - turn.SpeechStartMs);
                }
            }

            if (turn.EndOfSpeech is null && chunkEnd >= turn.SpeechEndMs)
            {
                // The last word ended before this chunk left by the part of the chunk spoken after it.
                lock (_gate)
                {
                    turn.EndOfSpeech = sent - Ticks(chunkEnd - turn.SpeechEndMs);
                }

                run.Measured.Enqueue(turn);
                commitAt = Before ? turn.EndOfSpeech + Ticks(run.Options.CommitAfter.TotalMilliseconds) : null;
            }
        }

        return true;
    }

    /// <summary>The clip's reply is still to come or still playing (and the turn timeout has not passed).</summary>
    private bool Waiting(TurnMeasurement turn)
    {
        var now = Now;
        lock (_gate)
        {
            if (turn.EndOfSpeech is not { } end || turn.Missed is not null || now >= end + Ticks(run.Options.TurnTimeout.TotalMilliseconds))
            {
                return false;
            }

            var played = turn.Turn is { } number && _playing.Turn == number && _playing.Last
                && now >= _playing.Until + Ticks(run.Options.Pause.TotalMilliseconds);
            var cutIn = run.Options.BargeInAfter is { } after && turn.FirstAudio is { } heard && now >= heard + Ticks(after.TotalMilliseconds);
            return !played && !cutIn;
        }
    }

    private async Task CommitAsync(HubSocket socket, string sessionId, TurnMeasurement turn, long at)
    {
        await DelayUntil(at);
        if (_sessionId != sessionId)
        {
            return;
        }

        lock (_gate)
        {
            turn.CommitSent = Now;
        }

        await socket.InvokeAsync(socket.NextInvocationId(), "commit-audio", $"[{{\"sessionId\":\"{sessionId}\"}}]");
    }

    /// <summary>After the last clip: its reply, or the turn timeout.</summary>
    private async Task AwaitRepliesAsync()
    {
        var until = Now + Ticks(10_000);
        while (Now < until && _sessionId is not null)
        {
            lock (_gate)
            {
                if (!_open.Any(t => t.EndOfSpeech is not null))
                {
                    return;
                }
            }

            await Task.Delay(100);
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

        lock (_gate)
        {
            Abandon("the run ended");
        }

        _connected = false;
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    private void OnMessage(int type, string? key, JsonElement message)
    {
        var now = Now;
        if (type == 3)
        {
            if (message.TryGetProperty("error", out var error))
            {
                run.Count("completionErrors", error.GetString() ?? "?");
                if (key == "start")
                {
                    _started?.TrySetResult(null);
                }
            }
            else if (key == "start")
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
        lock (_gate)
        {
            switch (key)
            {
                case "speech-stopped":
                    OnSpeechStopped(payload.GetProperty("turn").GetInt32(), payload.GetProperty("audioEndMs").GetInt64(), now);
                    break;
                case "transcription" when payload.GetProperty("isFinal").GetBoolean():
                    OnFinalTranscript(payload.GetProperty("turn").GetInt32(), now);
                    break;
                case "avatar-response":
                    OnAvatarResponse(payload, now);
                    break;
                case "error":
                    OnError(payload.GetProperty("code").GetString() ?? "?", payload.GetProperty("message").GetString() ?? "");
                    break;
                case "session-ended":
                    OnSessionEnded(payload.GetProperty("reason").GetString() ?? "?");
                    break;
                case "speech-started" when _open.LastOrDefault() is { } spoken:
                    spoken.SpeechStartedServerMs = payload.GetProperty("timestamp").GetInt64();
                    break;
                case "response-interrupted":
                    OnInterrupted(payload.GetProperty("timestamp").GetInt64(), now);
                    break;
            }
        }
    }

    /// <summary>Server VAD: the clip whose stretch of the stream holds the speech's end owns the turn.</summary>
    private void OnSpeechStopped(int turnNumber, long audioEndMs, long now)
    {
        if (_open.LastOrDefault(t => t.StartMs <= audioEndMs) is { } turn)
        {
            turn.Turn = turnNumber;
            turn.SpeechStopped = now;
            turn.StopErrorMs = audioEndMs - turn.SpeechEndMs;
            turn.Stops++;
        }
    }

    /// <summary>The clip being spoken cut in on the persona (with <see cref="LatencyOptions.BargeInAfter"/>, on purpose;
    /// without it, a gap too short).</summary>
    private void OnInterrupted(long serverMs, long now)
    {
        run.Count("bargeIns", "response-interrupted");
        if (_open.LastOrDefault(t => t.StartOfSpeech is not null) is { Interrupted: null } turn)
        {
            turn.Interrupted = now;
            turn.InterruptedServerMs = serverMs;
        }
    }

    private void OnFinalTranscript(int turnNumber, long now)
    {
        // Without server VAD the turn is the utterance the last commit ended.
        var turn = Before
            ? _open.LastOrDefault(t => t.CommitSent is not null && t.Turn is null)
            : _open.FirstOrDefault(t => t.Turn == turnNumber);
        if (turn is not null)
        {
            turn.Turn = turnNumber;
            turn.FinalTranscript = now;
        }
    }

    private void OnAvatarResponse(JsonElement payload, long now)
    {
        var turnNumber = payload.GetProperty("turn").GetInt32();
        var duration = payload.TryGetProperty("duration", out var ms) && ms.ValueKind == JsonValueKind.Number ? ms.GetInt32() : 0;
        var from = _playing.Turn == turnNumber ? Math.Max(now, _playing.Until) : now;
        _playing = (turnNumber, from + Ticks(duration), payload.GetProperty("isLast").GetBoolean());
        if (payload.GetProperty("segment").GetInt32() == 0)
        {
            OnFirstAudio(turnNumber, payload.GetProperty("timings"), now);
        }
    }

    private void OnFirstAudio(int turnNumber, JsonElement timings, long now)
    {
        if (turnNumber == 0 || _open.FirstOrDefault(t => t.Turn == turnNumber) is not { } turn)
        {
            return;
        }

        if (turn.EndOfSpeech is null)
        {
            run.Count("earlyReplies", "a reply to part of a clip before its last word (the clip was split)");
            return;
        }

        turn.FirstAudio = now;
        turn.TranscriptMs = Milestone(timings, "transcriptMs");
        turn.FirstTokenMs = Milestone(timings, "firstTokenMs");
        // The before server has no firstAudioMs; its first segment's totalMs is the same span.
        turn.FirstAudioMs = Milestone(timings, "firstAudioMs") ?? Milestone(timings, "totalMs");
        _open.Remove(turn);
    }

    private void OnError(string code, string message)
    {
        run.Count("serverErrors", $"{code}: {message}");
        if (code == "no-speech" && _open.LastOrDefault(t => t.Turn is not null || t.CommitSent is not null) is { } turn)
        {
            turn.Missed = "no-speech";
            _open.Remove(turn);
        }
    }

    private void OnSessionEnded(string reason)
    {
        if (_ended is null)
        {
            run.Count("serverEnds", reason);
        }

        _ended?.TrySetResult(true);
        _sessionId = null;
        Abandon($"session ended ({reason})");
    }

    private void OnClosed(string reason)
    {
        _connected = false;
        run.Count("disconnects", reason);
        _started?.TrySetResult(null);
        _ended?.TrySetResult(false);
        lock (_gate)
        {
            _sessionId = null;
            Abandon("disconnected");
        }
    }

    /// <summary>The clips still waiting for a reply will not get one. Under <see cref="_gate"/>.</summary>
    private void Abandon(string why)
    {
        foreach (var turn in _open)
        {
            turn.Missed ??= why;
        }

        _open.Clear();
    }

    private static int? Milestone(JsonElement timings, string name) =>
        timings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
