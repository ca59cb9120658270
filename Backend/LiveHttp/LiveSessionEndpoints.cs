using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.Http;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Sessions;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// The calls of a live session over HTTP: each one is the hub method of the same name, handed to the same
/// <see cref="SessionManager"/> method through the session's <see cref="LiveChannel"/> connection, so it is checked
/// (ownership, rate, size, state) and answered by the same code; a refusal is a problem carrying the hub's error.
/// </summary>
internal static class LiveSessionEndpoints
{
    /// <summary><c>start-session</c>: opens a session (201), or resumes the caller's open session by its id (200) — over
    /// HTTP from now on, wherever it was before.</summary>
    public static async Task<Results<Created<SessionStartedEvent>, Ok<SessionStartedEvent>, ProblemHttpResult>> StartAsync(
        HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions, IOptions<LiveHttpOptions> options, IOptions<JsonHubProtocolOptions> hubJson)
    {
        var (request, invalid, tooLarge) = await LiveJsonBody<StartSessionRequest>.ReadAsync(context.Request, options.Value.MaxJsonBodyBytes,
            hubJson.Value.PayloadSerializerOptions, "start-session", """{ "scenarioId": "procurement-price" }""");
        if (invalid is { } error)
        {
            return ClientErrorProblems.For(context, error, status: tooLarge ? StatusCodes.Status413PayloadTooLarge : null);
        }

        var channel = channels.Open(sessions, AuthPolicies.SubjectOf(user)!, PublicBaseUrl(context.Request));
        StartOutcome outcome;
        try
        {
            outcome = await sessions.StartSessionAsync(channel.Connection, request!.ToSessions());
        }
        catch
        {
            channels.Retire(channel);
            throw;
        }

        if (outcome.Error is { } refused)
        {
            channels.Retire(channel);
            return ClientErrorProblems.For(context, refused, request!.SessionId);
        }

        var started = outcome.Started!;
        channels.Bind(channel, started.SessionId);
        return started.Resumed
            ? TypedResults.Ok(started.ToWire())
            : TypedResults.Created($"{LiveHttpRoutes.Prefix}/{Uri.EscapeDataString(started.SessionId)}", started.ToWire());
    }

    /// <summary><c>audio-chunk</c>: the answer is its acknowledgement, the hub's <c>audio-received</c>.</summary>
    public static async Task<Results<Ok<AudioReceivedEvent>, ProblemHttpResult>> AudioAsync(
        string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions, IOptions<JsonHubProtocolOptions> hubJson, TimeProvider time)
    {
        var connection = channels.CallerFor(AuthPolicies.SubjectOf(user)!, id);
        using var body = await LiveAudioBody.ReadAsync(context.Request, id, sessions.Options.MaxChunkBytes,
            RoleplayHubExtensions.MaxMessageBytes(sessions.Options), hubJson.Value.PayloadSerializerOptions);
        var outcome = Accept(sessions, connection, id, body);
        return outcome.Error is { } error
            ? ClientErrorProblems.For(context, error, id)
            : TypedResults.Ok(outcome.ToAcknowledgement(id, time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary><c>commit-audio</c>: the turn's events follow on the event stream.</summary>
    public static Results<Accepted, ProblemHttpResult> Commit(string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions) =>
        Answer(context, id, sessions.Commit(channels.CallerFor(AuthPolicies.SubjectOf(user)!, id), id));

    /// <summary><c>retry-turn</c>: the retried step's events follow on the event stream.</summary>
    public static Results<Accepted, ProblemHttpResult> Retry(string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions) =>
        Answer(context, id, sessions.Retry(channels.CallerFor(AuthPolicies.SubjectOf(user)!, id), id));

    /// <summary><c>playback-progress</c>: how far the client has played the persona's reply (where a barge-in cuts it).</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> PlaybackAsync(
        string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions, IOptions<LiveHttpOptions> options, IOptions<JsonHubProtocolOptions> hubJson)
    {
        var (report, invalid, tooLarge) = await LiveJsonBody<PlaybackProgressRequest>.ReadAsync(context.Request, options.Value.MaxJsonBodyBytes,
            hubJson.Value.PayloadSerializerOptions, "playback-progress", """{ "turn": 1, "segment": 0, "playedMs": 1200 }""");
        if (invalid is { } error)
        {
            return ClientErrorProblems.For(context, error, id, tooLarge ? StatusCodes.Status413PayloadTooLarge : null);
        }

        if (report!.SessionId is { } named && named != id)
        {
            return ClientErrorProblems.For(context, ClientError.InvalidRequest("playback-progress: sessionId in the body is not the session in the URL (it may be left out)."), id);
        }

        var connection = channels.CallerFor(AuthPolicies.SubjectOf(user)!, id);
        return Answer(context, id, report.Position is var (turn, segment, played)
            ? sessions.ReportPlayback(connection, id, turn, segment, played)
            : ClientError.InvalidRequest($"playback-progress needs turn ≥ 0, segment ≥ 0 and playedMs 0–{PlaybackProgressRequest.MaxPlayedMs}."));
    }

    /// <summary><c>end-session</c>, from any transport (as on the hub); <c>session-ended</c> ends the event stream.</summary>
    public static Results<Accepted, ProblemHttpResult> End(string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions) =>
        Answer(context, id, sessions.End(channels.CallerFor(AuthPolicies.SubjectOf(user)!, id), id));

    /// <summary>scheme://host/pathBase of the request: the base of the session's media URLs, as for a hub connection.</summary>
    public static string PublicBaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static ChunkOutcome Accept(SessionManager sessions, ClientConnection connection, string id, LiveAudioBody body) =>
        sessions.AcceptChunk(connection, id, body.Chunk);

    private static Results<Accepted, ProblemHttpResult> Answer(HttpContext context, string id, ClientError? error) =>
        error is { } refused ? ClientErrorProblems.For(context, refused, id) : TypedResults.Accepted((string?)null);
}
