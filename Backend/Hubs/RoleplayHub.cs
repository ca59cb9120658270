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
