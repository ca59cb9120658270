using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.LiveHttp;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Live sessions over plain HTTP and Server-Sent Events (docs/live-http.md), for clients without SignalR: the same
/// sessions as the hub's — the same <see cref="SessionManager"/>, payloads, token and limits — with the session's
/// events read from <c>GET /api/live-sessions/{id}/events</c>. A session moves freely between the two transports.
/// </summary>
public static class LiveHttpExtensions
{
    public static IHostApplicationBuilder AddLiveHttpSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveHttpOptions>().BindConfiguration(LiveHttpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LiveHttpOptions>, ValidateLiveHttpOptions>();
        builder.Services.AddSingleton<LiveChannels>();
        builder.Services.AddSingleton<SseFrames>();

        // What sessions say goes to an HTTP channel's stream or, for any other connection, to the hub.
        builder.Services.Replace(ServiceDescriptor.Singleton<ISessionClients, LiveSessionClients>());
        builder.Services.AllowQueryStringToken(LiveHttpRoutes.IsEventStream); // EventSource cannot send headers
        return builder;
    }

    public static RouteGroupBuilder MapLiveHttpSessions(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup(LiveHttpRoutes.Prefix).WithTags("Live sessions").RequireAuthorization(AuthPolicies.Trainee);

        sessions.MapPost("", LiveSessionEndpoints.StartAsync).WithName("StartLiveSession")
            .StartBody()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Start a session (the hub's start-session), or resume one of yours by its sessionId")
            .WithDescription("The body is start-session's; the answer is session-started (201 new, 200 resumed). Then read GET /api/live-sessions/{id}/events.");

        sessions.MapPost("/{id}/audio", LiveSessionEndpoints.AudioAsync).WithName("SendLiveAudio")
            .AudioBody()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Send a chunk of the session's audio (the hub's audio-chunk)")
            .WithDescription("Raw bytes in the session's audioFormat, with the byte offset in the X-Audio-Offset header or ?offset= (absent: append); or, as application/json, { audioData: base64, offset }. The answer is audio-received.");

        sessions.MapPost("/{id}/commit", LiveSessionEndpoints.Commit).WithName("CommitLiveAudio")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("End the user's utterance now (the hub's commit-audio); the turn's events follow on the event stream");

        sessions.MapPost("/{id}/retry", LiveSessionEndpoints.Retry).WithName("RetryLiveTurn")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Run the latest turn again from the step that failed (the hub's retry-turn)");

        sessions.MapPost("/{id}/playback", LiveSessionEndpoints.PlaybackAsync).WithName("ReportLivePlayback")
            .PlaybackBody()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("How far the persona's reply has been played (the hub's playback-progress): where a barge-in cuts it");

        sessions.MapDelete("/{id}", LiveSessionEndpoints.End).WithName("EndLiveSession")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("End the session (the hub's end-session); session-ended closes the event stream");

        sessions.MapGet("/{id}/events", EventStreamEndpoint.StreamAsync).WithName("LiveSessionEvents")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("The session's events as Server-Sent Events; opening it attaches the session here (resume)")
            .WithDescription("id: the event seq; event: the hub's event name; data: the hub's JSON payload. Last-Event-ID (or ?lastEventId=) resumes after that event. "
                + "Transient events (partial transcripts, ai-response-delta, notices, session-started, session-ended) carry no id. "
                + "': keep-alive' comments every LiveHttp:HeartbeatInterval. The token may come as ?access_token= on this path only.");
        return sessions;
    }
}
