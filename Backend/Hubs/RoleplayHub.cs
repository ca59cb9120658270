using System.Threading.Channels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Auth;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Sessions;

namespace RoleplayHub.Hubs;

/// <summary>
/// The roleplay hub at <c>/hubs/roleplay</c>. Thin and stateless: each call is handed to the
/// <see cref="SessionManager"/>, which returns at once (the hub never awaits the speech pipeline). A refused call
/// sends an <c>error</c> event and also fails its invocation with <c>"code: message"</c>, so both
/// <c>connection.send</c> and <c>connection.invoke</c> callers learn about it.
/// </summary>
[Authorize(Policy = AuthPolicies.Trainee)]
public sealed class RoleplayHub(SessionManager sessions, TimeProvider time) : Hub<IRoleplayClient>
{
    private ClientConnection Connection => (ClientConnection)Context.Items[typeof(ClientConnection)]!;

    public override Task OnConnectedAsync()
    {
        var request = Context.GetHttpContext()?.Request;
        var baseUrl = request is null ? null : $"{request.Scheme}://{request.Host}{request.PathBase}";
        Context.Items[typeof(ClientConnection)] = sessions.Connect(Context.ConnectionId, Context.UserIdentifier!, baseUrl);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(typeof(ClientConnection), out var connection))
        {
            sessions.Disconnect((ClientConnection)connection!);
        }

        return Task.CompletedTask;
    }

    [HubMethodName("start-session")]
    public async Task<SessionStartedEvent> StartSession(StartSessionRequest? request)
    {
        var outcome = await sessions.StartSessionAsync(Connection, request);
        return outcome.Error is { } error ? throw await RefuseAsync(request?.SessionId, error) : outcome.Started!;
    }

    [HubMethodName("audio-chunk")]
    public async Task AudioChunk(AudioChunkRequest? request)
    {
        ChunkOutcome outcome;
        try
        {
            outcome = sessions.AcceptChunk(Connection, request);
        }
        finally
        {
            request?.Release(); // the bytes have been copied into the session's buffer (or refused)
        }

        if (outcome.Error is { } error)
        {
            throw await RefuseAsync(request?.SessionId, error);
        }

        await Clients.Caller.AudioReceived(new AudioReceivedEvent(request!.SessionId!, outcome.AudioSize, outcome.Offset, outcome.TotalBytes, Now)
        {
            Duplicate = outcome.Duplicate,
        });
    }

    /// <summary>
    /// Client → server stream of a session's audio: items <c>{ audioData, offset }</c> and <c>{ commit: true }</c>, in
    /// order. Each chunk is acknowledged with <c>audio-received</c>; problems are <c>error</c> events (the stream stays
    /// open). Cheaper per chunk than <c>audio-chunk</c> invocations: no invocation, hub activation or completion per item.
    /// </summary>
    [HubMethodName("stream-audio")]
    public async Task StreamAudio(string sessionId, ChannelReader<AudioChunkRequest?> items)
    {
        var connection = Connection;
        var caller = Clients.Caller;

        // The stream ends with the session (or the connection), so an ended session leaves no reader behind.
        var session = sessions.Find(sessionId);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(Context.ConnectionAborted, session?.UserId == connection.UserId ? session.Stopping : default);
        try
        {
            await ReadStreamAsync(sessionId, items, connection, caller, ended.Token);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
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
                        outcome = sessions.AcceptChunk(connection, sessionId, item);
                    }
                }
                finally
                {
                    item?.Release();
                }

                if (outcome.Error is { } error)
                {
                    await caller.Error(new ErrorEvent(sessionId, error.Code, error.Message, error.Retryable, Now));
                    continue;
                }

                if (hasAudio)
                {
                    await caller.AudioReceived(new AudioReceivedEvent(sessionId, outcome.AudioSize, outcome.Offset, outcome.TotalBytes, Now) { Duplicate = outcome.Duplicate });
                }

                if (item is { Commit: true } && sessions.Commit(connection, sessionId) is { } commitError)
                {
                    await caller.Error(new ErrorEvent(sessionId, commitError.Code, commitError.Message, commitError.Retryable, Now));
                }
            }
        }
    }

    [HubMethodName("commit-audio")]
    public async Task CommitAudio(SessionRequest? request)
    {
        if (sessions.Commit(Connection, request) is { } error)
        {
            throw await RefuseAsync(request?.SessionId, error);
        }
    }

    /// <summary>Runs the latest turn again from the step that failed (its AI reply or its speech).</summary>
    [HubMethodName("retry-turn")]
    public async Task RetryTurn(SessionRequest? request)
    {
        if (sessions.Retry(Connection, request) is { } error)
        {
            throw await RefuseAsync(request?.SessionId, error);
        }
    }

    [HubMethodName("end-session")]
    public async Task EndSession(SessionRequest? request)
    {
        if (sessions.End(Connection, request) is { } error)
        {
            throw await RefuseAsync(request?.SessionId, error);
        }
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<HubException> RefuseAsync(string? sessionId, HubError error)
    {
        await Clients.Caller.Error(new ErrorEvent(sessionId, error.Code, error.Message, error.Retryable, Now));
        return new HubException($"{error.Code}: {error.Message}");
    }
}
