using System.Threading.Channels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Hubs.Transport;
using RoleplayHub.Observability;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// The roleplay hub at <c>/hubs/roleplay</c>. Thin and stateless: each call is handed to the
/// <see cref="SessionManager"/>, which returns at once (the hub never awaits the speech pipeline). A refused call
/// sends an <c>error</c> event and also fails its invocation with <c>"code: message"</c>, so both
/// <c>connection.send</c> and <c>connection.invoke</c> callers learn about it. An unexpected exception becomes an
/// <c>internal-error</c> the same way, logged with its stack, and never takes the connection down. (This is done here
/// rather than in an <see cref="IHubFilter"/>: a filter costs an allocation on every call, four times a second per
/// session.)
/// </summary>
[Authorize(Policy = AuthPolicies.Trainee)]
public sealed class RoleplayHub(SessionManager sessions, ConnectionGuard guard, RoleplayMetrics metrics, TimeProvider time, ILogger<RoleplayHub> logger) : Hub<IRoleplayClient>
{
    private ClientConnection Connection => (ClientConnection)Context.Items[typeof(ClientConnection)]!;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public override async Task OnConnectedAsync()
    {
        var request = Context.GetHttpContext()?.Request;
        var baseUrl = request is null ? null : $"{request.Scheme}://{request.Host}{request.PathBase}";
        var closed = Context.Features.Get<IConnectionLifetimeFeature>()?.ConnectionClosed ?? CancellationToken.None;
        var connection = sessions.Connect(Context.ConnectionId, Context.UserIdentifier!, baseUrl, close: Context.Abort, closed);
        Context.Items[typeof(ClientConnection)] = connection;
        if (guard.Opened(Context, Clients.Caller, connection) is { } refused)
        {
            await SendErrorAsync(Clients.Caller, null, refused);
            Context.Abort();
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        guard.Closed(Context);
        if (Context.Items.TryGetValue(typeof(ClientConnection), out var connection))
        {
            sessions.Disconnect((ClientConnection)connection!);
        }

        return Task.CompletedTask;
    }

    [HubMethodName("start-session")]
    public async Task<SessionStartedEvent> StartSession(StartSessionRequest? request)
    {
        if (request is null || request.BindingError is not null)
        {
            throw await RefuseAsync(request?.SessionId, ClientError.InvalidRequest(request is null
                ? "start-session needs a payload such as { \"scenarioId\": \"procurement-price\" }."
                : $"start-session: {request.BindingError}"));
        }

        StartOutcome outcome;
        try
        {
            outcome = await sessions.StartSessionAsync(Connection, request.ToSessions());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw await FailAsync(ex, "start-session", request.SessionId);
        }

        return outcome.Error is { } error ? throw await RefuseAsync(request.SessionId, error) : outcome.Started!.ToWire();
    }

    /// <summary>One chunk of the session's audio. Its acknowledgement is the result when the client asked for it in
    /// the completion (<c>audioAck: "completion"</c>); otherwise the result is null and an <c>audio-received</c>
    /// event carries it.</summary>
    [HubMethodName("audio-chunk")]
    public async Task<AudioReceivedEvent?> AudioChunk(AudioChunkRequest? request)
    {
        ChunkOutcome outcome;
        try
        {
            outcome = request is null
                ? ChunkOutcome.Failed(ClientError.InvalidRequest("audio-chunk needs a payload { sessionId, audioData, offset }."))
                : sessions.AcceptChunk(Connection, request.SessionId, request.ToSessions());
        }
        catch (Exception ex)
        {
            throw await FailAsync(ex, "audio-chunk", request?.SessionId);
        }
        finally
        {
            request?.Release(); // the bytes have been copied into the session's buffer (or refused)
        }

        if (outcome.Error is { } error)
        {
            throw await RefuseAsync(request?.SessionId, error);
        }

        if (outcome.InCompletion)
        {
            return outcome.ToAcknowledgement(request!.SessionId!, Now);
        }

        if (!outcome.AckDeferred)
        {
            await Clients.Caller.AudioReceived(outcome.ToAcknowledgement(request!.SessionId!, Now));
        }

        return null;
    }

    /// <summary>
    /// Client → server stream of a session's audio: items <c>{ audioData, offset }</c> and <c>{ commit: true }</c>, in
    /// order. Each chunk is acknowledged with <c>audio-received</c>; problems are <c>error</c> events (the stream stays
    /// open). One ordered stream instead of an invocation per chunk; not cheaper on the server, though: items reach the
    /// hub through a channel, one more hand-off per chunk (docs/benchmarks.md, chunk transports).
    /// </summary>
    [HubMethodName("stream-audio")]
    public async Task StreamAudio(string? sessionId, ChannelReader<AudioChunkRequest?> items)
    {
        var connection = Connection;
        var caller = Clients.Caller;
        if (sessions.FindForStream(connection, sessionId, out var stopping) is { } refused)
        {
            throw await RefuseAsync(sessionId, refused);
        }

        // The stream ends with the session (or the connection), so an ended session leaves no reader behind.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(Context.ConnectionAborted, stopping);
        try
        {
            await ReadStreamAsync(sessionId!, items, connection, caller, ended.Token);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw await FailAsync(ex, "stream-audio", sessionId);
        }
    }

    [HubMethodName("commit-audio")]
    public Task CommitAudio(SessionRequest? request) => RunAsync("commit-audio", request, request?.SessionId, sessions.Commit);

    /// <summary>Runs the latest turn again from the step that failed (its AI reply or its speech).</summary>
    [HubMethodName("retry-turn")]
    public Task RetryTurn(SessionRequest? request) => RunAsync("retry-turn", request, request?.SessionId, sessions.Retry);

    /// <summary>How far the client has played the persona's reply: where a barge-in cuts it (docs/turn-taking.md).</summary>
    [HubMethodName("playback-progress")]
    public Task PlaybackProgress(PlaybackProgressRequest? request) => RunAsync("playback-progress", request, request?.SessionId, (connection, sessionId) =>
        request?.Position is var (turn, segment, played)
            ? sessions.ReportPlayback(connection, sessionId, turn, segment, played)
            : ClientError.InvalidRequest($"playback-progress needs turn ≥ 0, segment ≥ 0 and playedMs 0–{PlaybackProgressRequest.MaxPlayedMs}."));

    [HubMethodName("end-session")]
    public Task EndSession(SessionRequest? request) => RunAsync("end-session", request, request?.SessionId, sessions.End);

    private async Task RunAsync(string method, HubRequest? request, string? sessionId, Func<ClientConnection, string?, ClientError?> call)
    {
        ClientError? error;
        try
        {
            error = request?.BindingError is { } bindingError
                ? ClientError.InvalidRequest($"{method}: {bindingError}")
                : call(Connection, sessionId);
        }
        catch (Exception ex)
        {
            throw await FailAsync(ex, method, sessionId);
        }

        if (error is { } refused)
        {
            throw await RefuseAsync(sessionId, refused);
        }
    }

    private async Task ReadStreamAsync(string sessionId, ChannelReader<AudioChunkRequest?> items, ClientConnection connection, IRoleplayClient caller, CancellationToken cancellationToken)
    {
        while (await items.WaitToReadAsync(cancellationToken))
        {
            while (items.TryRead(out var item))
            {
                ChunkOutcome outcome = default;
                var hasAudio = item is { Commit: false } || item is { AudioLength: > 0 } || item?.BindingError is not null;
                try
                {
                    if (hasAudio)
                    {
                        outcome = sessions.AcceptChunk(connection, sessionId, item!.ToSessions());
                    }
                }
                finally
                {
                    item?.Release();
                }

                if (outcome.Error is { } error)
                {
                    await SendErrorAsync(caller, sessionId, error);
                    continue;
                }

                if (hasAudio && !outcome.AckDeferred)
                {
                    await caller.AudioReceived(outcome.ToAcknowledgement(sessionId, Now));
                }

                if (item is { Commit: true } && sessions.Commit(connection, sessionId) is { } commitError)
                {
                    await SendErrorAsync(caller, sessionId, commitError);
                }
            }
        }
    }

    private async Task<HubException> RefuseAsync(string? sessionId, ClientError error)
    {
        await SendErrorAsync(Clients.Caller, sessionId, error);
        return new HubException($"{error.Code}: {error.Message}");
    }

    private Task SendErrorAsync(IRoleplayClient caller, string? sessionId, ClientError error)
    {
        metrics.Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        return caller.Error(error.ToRefusal(sessionId, Now));
    }

    private async Task<HubException> FailAsync(Exception exception, string method, string? sessionId)
    {
        logger.LogError(exception, "Hub method {Method} failed for {User}", method, Context.UserIdentifier);
        return await RefuseAsync(sessionId, ClientError.Internal());
    }
}
