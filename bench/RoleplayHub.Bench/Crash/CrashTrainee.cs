using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using RoleplayHub.Bench.Trainees;

namespace RoleplayHub.Bench.Crash;

/// <summary>
/// One trainee of a crash trial, on the official SignalR client: starts a session, then speaks the utterance in 250 ms
/// chunks at real-time pace, commits, and waits for the reply to finish, until its connection dies with the server.
/// It remembers every turn it saw completed (the reply's last <c>avatar-response</c>) and the last event <c>seq</c>,
/// which is what the check holds the history to and what a resume sends.
/// </summary>
internal sealed class CrashTrainee(string url, string sessionId, string userId, string token, IReadOnlyList<byte[]> chunks)
{
    private readonly SpokenDrill _drill = new(sessionId, chunks);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string SessionId { get; } = sessionId;

    public string UserId { get; } = userId;

    public string Token { get; } = token;

    public bool Started { get; private set; }

    /// <summary>The server ended the session before the crash (max turns): its history ends with that reason.</summary>
    public string? EndedWith { get; private set; }

    public IReadOnlyCollection<int> CompletedTurns => _drill.CompletedTurns;

    public long LastSeq => _drill.LastSeq;

    public string? Failure { get; private set; }

    /// <summary>The session ended while a committed utterance still waited for its reply (a drain that did not
    /// finish the turn in flight).</summary>
    public bool EndedAwaitingReply { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = Connect(url, Token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            _drill.Abandon();
            return Task.CompletedTask;
        };
        _drill.Listen(connection);
        connection.On<JsonElement>("session-ended", e =>
        {
            EndedWith = e.GetProperty("reason").GetString();
            EndedAwaitingReply = _drill.AwaitingReply;
            _ended.TrySetResult();
            _drill.Abandon();
        });

        try
        {
            await connection.StartAsync(stop);
            await connection.InvokeAsync<JsonElement>("start-session",
                new { sessionId = SessionId, scenarioId = "procurement-price", audioFormat = new { encoding = "pcm16", sampleRate = 16_000, channels = 1 }, idleFlush = false }, stop);
            Started = true;
            long offset = 0;
            while (!stop.IsCancellationRequested && !closed.Task.IsCompleted && EndedWith is null)
            {
                offset = await _drill.SpeakAsync(connection, offset, stop);
            }
        }
        catch (Exception) when (closed.Task.IsCompleted || stop.IsCancellationRequested)
        {
            // the server died under it: what it saw so far is what the check holds the history to
        }
        catch (Exception ex) when (ex.Message.Contains("session-ended", StringComparison.Ordinal) || _ended.Task.IsCompleted)
        {
            // A chunk sent as the session ended (the drain): the refusal can overtake the session-ended event, which
            // is what this trainee listens for before it hangs up.
            await _ended.Task.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            // The socket can fail before the client reports the connection closed: a kill, too, if it closes soon.
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(static _ => { }, TaskScheduler.Default);
            Failure = closed.Task.IsCompleted ? null : ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>What the restarted service answers this trainee's resume: the error code, or "resumed".</summary>
    public async Task<string> ResumeAsync()
    {
        await using var connection = Connect(url, Token);
        var code = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("error", e => code.TrySetResult(e.GetProperty("code").GetString() ?? "?"));
        await connection.StartAsync();
        try
        {
            await connection.InvokeAsync<JsonElement>("start-session", new { sessionId = SessionId, lastSeq = LastSeq });
            return "resumed";
        }
        catch (HubException)
        {
            return await code.Task.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "no error event", TaskScheduler.Default);
        }
    }

    private static HubConnection Connect(string url, string token) =>
        new HubConnectionBuilder()
            .WithUrl(url + "/hubs/roleplay", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
}
