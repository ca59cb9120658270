using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace RoleplayHub.Bench.Trainees;

/// <summary>
/// What every trial's trainee shares (the crash trials', the node-loss trial's): what it heard — the last event
/// <c>seq</c>, which a resume sends, and the turns it saw completed (the reply's last <c>avatar-response</c>), which the
/// history is held to — and how it speaks: an utterance in 250 ms chunks at real-time pace, each sent once its 250 ms
/// were spoken, then the commit, then the reply.
/// </summary>
internal sealed class SpokenDrill(string sessionId, IReadOnlyList<byte[]> chunks)
{
    private static readonly string[] NumberedEvents =
        ["transcription", "ai-response", "avatar-response", "speech-started", "speech-stopped", "response-interrupted", "error"];

    private readonly ConcurrentDictionary<int, bool> _completed = new();
    private TaskCompletionSource<int>? _replyDone;
    private volatile bool _awaitingReply;
    private long _lastSeq;

    public IReadOnlyCollection<int> CompletedTurns => [.. _completed.Keys.Order()];

    public int CompletedCount => _completed.Count;

    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>A committed utterance still waits for its reply.</summary>
    public bool AwaitingReply => _awaitingReply;

    /// <summary>Follows the numbered events of <paramref name="connection"/>.</summary>
    public void Listen(HubConnection connection)
    {
        foreach (var name in NumberedEvents)
        {
            connection.On<JsonElement>(name, e => OnEvent(name, e));
        }
    }

    /// <summary>No reply will come (the connection closed, the session ended): the utterance waiting for one gives up.</summary>
    public void Abandon() => _replyDone?.TrySetCanceled();

    /// <summary>Says the utterance from stream <paramref name="offset"/> and waits for the reply (30 s at most); returns
    /// the offset after it.</summary>
    public async Task<long> SpeakAsync(HubConnection connection, long offset, CancellationToken cancellationToken)
    {
        _replyDone = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var t0 = DateTime.UtcNow;
        for (var i = 0; i < chunks.Count; i++)
        {
            var due = t0.AddMilliseconds(250 * (i + 1)) - DateTime.UtcNow;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            await connection.InvokeAsync("audio-chunk", new { sessionId, audioData = chunks[i], offset }, cancellationToken);
            offset += chunks[i].Length;
        }

        _awaitingReply = true;
        await connection.InvokeAsync("commit-audio", new { sessionId }, cancellationToken);
        await _replyDone.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        await Task.Delay(300, cancellationToken);
        return offset;
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
            _awaitingReply = false;
            _replyDone?.TrySetResult(turn);
        }
        else if (name == "error" && e.TryGetProperty("turn", out var errorTurn) && errorTurn.ValueKind == JsonValueKind.Number && errorTurn.GetInt32() > 0)
        {
            _awaitingReply = false;
            _replyDone?.TrySetResult(-1); // a failed turn: speak again
        }
    }
}
