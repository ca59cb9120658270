using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using RoleplayHub.Bench.Trainees;

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
    private readonly SpokenDrill _drill = new(sessionId, chunks);
    private TaskCompletionSource<string>? _ended;
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

    public IReadOnlyCollection<int> CompletedTurns => _drill.CompletedTurns;

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
            while (_drill.CompletedCount < turns)
            {
                try
                {
                    _offset = await _drill.SpeakAsync(connection, _offset, CancellationToken.None);
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

    private async Task<(HubConnection, TimeSpan, JsonElement)> ResumeAsync(TimeSpan within)
    {
        var lostAt = Stopwatch.StartNew();
        while (true)
        {
            HubConnection? connection = null;
            try
            {
                connection = await ConnectAsync();
                var started = await connection.InvokeAsync<JsonElement>("start-session", new { sessionId = SessionId, lastSeq = _drill.LastSeq });
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
        _drill.Listen(connection);
        connection.On<JsonElement>("session-ended", e => _ended?.TrySetResult(e.GetProperty("reason").GetString() ?? "?"));
        connection.Closed += _ =>
        {
            _drill.Abandon();
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        return connection;
    }
}
