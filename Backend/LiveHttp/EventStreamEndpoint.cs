using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.Http;
using RoleplayHub.Sessions;

namespace RoleplayHub.LiveHttp;

/// <summary>
/// <c>GET /api/live-sessions/{id}/events</c>: the session's events as Server-Sent Events. Opening the stream is a
/// resume — the session attaches to this caller's HTTP channel (from the hub, or from an older stream) and the events
/// after <c>Last-Event-ID</c> are replayed before live ones, by the session's own event log. Without
/// <c>Last-Event-ID</c> every event still kept is replayed, so nothing said between the start and the stream is lost.
/// </summary>
internal static partial class EventStreamEndpoint
{
    public const string LastEventIdHeader = "Last-Event-ID";

    public static async Task<IResult> StreamAsync(
        string id, HttpContext context, ClaimsPrincipal user, LiveChannels channels, SessionManager sessions,
        IOptions<LiveHttpOptions> options, TimeProvider time, ILogger<LiveChannels> logger)
    {
        if (!TryReadLastEventId(context.Request, out var lastSeq))
        {
            return ClientErrorProblems.For(context, ClientError.InvalidRequest(
                $"{LastEventIdHeader} (or ?lastEventId=) must be the seq of an event you received: a whole number, 0 or more."), id);
        }

        var userId = AuthPolicies.SubjectOf(user)!;
        var stream = new EventStream(options.Value.EventStreamBuffer, lastSeq);
        var channel = channels.ForSession(userId, id);
        if (channel is null || !channel.TryOpen(stream)) // before the resume, so the replay it starts has somewhere to go
        {
            channel = channels.Open(sessions, userId, LiveSessionEndpoints.PublicBaseUrl(context.Request));
            channel.TryOpen(stream);
        }

        try
        {
            var resumed = await sessions.ResumeAsync(channel.Connection, id, lastSeq);
            if (resumed.Error is { } refused)
            {
                if (channel.Connection.Sessions.Length == 0)
                {
                    channels.Retire(channel);
                }

                return ClientErrorProblems.For(context, refused, id);
            }

            channels.Bind(channel, id);
            await WriteAsync(context, stream, options.Value.HeartbeatInterval, time);
        }
        finally
        {
            channel.Closed(stream);
        }

        LogStreamEnded(logger, id, userId);
        return Results.Empty;
    }

    private static async Task WriteAsync(HttpContext context, EventStream stream, TimeSpan heartbeat, TimeProvider time)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on as it comes
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        using var keepAlive = time.CreateTimer(static state => ((EventStream)state!).TryWrite(SseFrame.KeepAlive), stream, heartbeat, heartbeat);
        try
        {
            await response.StartAsync(aborted);
            await response.Body.FlushAsync(aborted);
            var frames = stream.Frames;
            while (await frames.WaitToReadAsync(aborted))
            {
                while (frames.TryRead(out var frame))
                {
                    await response.Body.WriteAsync(frame.Bytes, aborted);
                }

                await response.Body.FlushAsync(aborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The client went away: the session's log keeps its events for the next stream.
        }
    }

    private static bool TryReadLastEventId(HttpRequest request, out long lastSeq)
    {
        lastSeq = 0;
        var header = request.Headers[LastEventIdHeader].ToString();
        var text = header.Length > 0 ? header : request.Query["lastEventId"].ToString();
        return text.Length == 0 || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lastSeq);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event stream of session {SessionId} ({UserId}) ended")]
    private static partial void LogStreamEnded(ILogger logger, string sessionId, string userId);
}
