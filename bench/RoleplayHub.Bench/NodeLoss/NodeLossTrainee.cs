using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace RoleplayHub.Bench.NodeLoss;

/// <summary>
/// One trainee of a node-loss trial, on the official SignalR client through the load balancer (a client cookie keys
/// its sticky route): starts a session, speaks the utterance at real-time pace and waits for each reply. When its
/// connection dies with its node, it reconnects through the load balancer and resumes with its <c>lastSeq</c> —
/// retrying while the answer is <c>session-on-another-node</c> (the dead node's lease has not lapsed) — then starts a
/// new audio stream at offset 0, says the unanswered utterance again, and carries on until its turns are done.
/// </summary>
internal sealed class NodeLossTrainee(string url, string sessionId, string userId, string token, IReadOnlyList<byte[]> chunks)
{
    private static readonly string[] NumberedEvents =
        ["transcription", "ai-response", "avatar-response", "speech-started", "speech-stopped", "response-interrupted", "error"];

    private readonly ConcurrentDictionary<int, bool> _completed = new();
    private TaskCompletionSource<int>? _replyDone;
    private TaskCompletionSource<string>? _ended;
    private long _lastSeq;
    private long _offset;

    public string SessionId { get; } = sessionId;

    /// <summary>Its connection died mid-drill: it was on the killed node.</summary>
    public bool Lost { get; private set; }

    /// <summary>From the dead connection to the resumed session-started; null when it never resumed.</summary>
    public TimeSpan? ResumedAfter { get; private set; }

    /// <summary>How the resumed session-started described it (resumed, turnCount).</summary>
    public (bool Resumed, int TurnCount)? ResumedAs { get; private set; }

    /// <summary>The utterance in flight when the node died, said again after the resume.</summary>
    public int SaidAgain { get; private set; }

    public IReadOnlyCollection<int> CompletedTurns => [.. _completed.Keys.Order()];

    public string? EndedWith { get; private set; }

    public string? Failure { get; private set; }

    public async Task RunAsync(int turns, TimeSpan resumeWithin)
    {
        HubConnection? connection = null;
        try
        {
            connection = await ConnectAsync();
            await connection.InvokeAsync<JsonElement>("start-session",
                new { sessionId = SessionId, scenarioId = "procurement-price", audioFormat = new { encoding = "pcm16", sampleRate = 16_000, channels = 1 }, idleFlush = false });
            while (_completed.Count < turns)
            {
                try
                {
                    await SpeakAsync(connection);
                }
                catch (Exception) when (connection.State != HubConnectionState.Connected && !Lost)
                {
                    Lost = true;
                    SaidAgain++;
                    await connection.DisposeAsync();
                    (connection, var after, var started) = await ResumeAsync(resumeWithin);
                    ResumedAfter = after;
                    ResumedAs = (started.GetProperty("resumed").GetBoolean(), started.GetProperty("turnCount").GetInt32());
                }
            }

            _ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await connection.InvokeAsync("end-session", new { sessionId = SessionId });
            EndedWith = await _ended.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex)
        {
            Failure = ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // One utterance at real-time pace from the current stream offset, then the reply.
    private async Task SpeakAsync(HubConnection connection)
    {
        _replyDone = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var t0 = DateTime.UtcNow;
        for (var i = 0; i < chunks.Count; i++)
        {
            var due = t0.AddMilliseconds(250 * (i + 1)) - DateTime.UtcNow;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            await connection.InvokeAsync("audio-chunk", new { sessionId = SessionId, audioData = chunks[i], offset = _offset });
            _offset += chunks[i].Length;
        }

        await connection.InvokeAsync("commit-audio", new { sessionId = SessionId });
        await _replyDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
    }

    private async Task<(HubConnection, TimeSpan, JsonElement)> ResumeAsync(TimeSpan within)
    {
        var lostAt = Stopwatch.StartNew();
        while (true)
        {
            HubConnection? connection = null;
            try
            {
                connection = await ConnectAsync();
                var started = await connection.InvokeAsync<JsonElement>("start-session", new { sessionId = SessionId, lastSeq = Interlocked.Read(ref _lastSeq) });
                _offset = 0; // the new node's audio stream starts afresh: what the lost node had heard is gone with it
                return (connection, lostAt.Elapsed, started);
            }
            catch (Exception ex) when (lostAt.Elapsed < within && (ex is not HubException || ex.Message.Contains("session-on-another-node", StringComparison.Ordinal)))
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                await Task.Delay(250);
            }
        }
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(url + "/hubs/roleplay", o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Headers["Cookie"] = $"rh_client={userId}"; // the sticky route's key (scripts/cluster.sh's nginx hashes it)
            })
            .Build();
        foreach (var name in NumberedEvents)
        {
            connection.On<JsonElement>(name, e => OnEvent(name, e));
        }

        connection.On<JsonElement>("session-ended", e => _ended?.TrySetResult(e.GetProperty("reason").GetString() ?? "?"));
        connection.Closed += _ =>
        {
            _replyDone?.TrySetCanceled();
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        return connection;
    }

    private void OnEvent(string name, JsonElement e)
    {
        if (e.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number)
        {
            var value = seq.GetInt64();
            long seen;
            while ((seen = Interlocked.Read(ref _lastSeq)) < value && Interlocked.CompareExchange(ref _lastSeq, value, seen) != seen)
            {
            }
        }

        if (name == "avatar-response" && e.GetProperty("isLast").GetBoolean() && e.GetProperty("turn").GetInt32() is var turn and > 0)
        {
            _completed[turn] = true;
            _replyDone?.TrySetResult(turn);
        }
        else if (name == "error" && e.TryGetProperty("turn", out var errorTurn) && errorTurn.ValueKind == JsonValueKind.Number && errorTurn.GetInt32() > 0)
        {
            _replyDone?.TrySetResult(-1); // a failed turn: speak again
        }
    }
}
