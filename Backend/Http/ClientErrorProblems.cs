using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using RoleplayHub.Core;
using RoleplayHub.Observability;

namespace RoleplayHub.Http;

/// <summary>
/// A refused call as an RFC 7807 problem carrying the hub's error: <c>code</c> and <c>retryable</c> as in the hub's
/// <c>error</c> event, <c>detail</c> its message, and the HTTP status that says the same thing to HTTP clients and
/// proxies (docs/live-http.md has the table). Retryable refusals say when to retry (<c>Retry-After</c>). Used by every
/// HTTP answer about a session: the live HTTP calls and the audio socket's refused upgrade.
/// </summary>
internal static class ClientErrorProblems
{
    public static ProblemHttpResult For(HttpContext context, ClientError error, string? sessionId = null, int? status = null)
    {
        var httpStatus = status ?? StatusOf(error);
        if (httpStatus is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        context.RequestServices.GetRequiredService<RoleplayMetrics>().Errors.Add(1, new KeyValuePair<string, object?>("code", error.Code));
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code, ["retryable"] = error.Retryable };
        if (sessionId is not null)
        {
            // A session id is at most 64 characters: a longer one (never valid) is not sent back whole.
            extensions["sessionId"] = sessionId.Length <= ClientError.MaxEchoLength ? sessionId : string.Concat(sessionId.AsSpan(0, ClientError.MaxEchoLength), "…");
        }

        return TypedResults.Problem(detail: error.Message, statusCode: httpStatus, title: ReasonPhrases.GetReasonPhrase(httpStatus), extensions: extensions);
    }

    public static int StatusOf(ClientError error) => error.Code switch
    {
        ErrorCodes.SessionNotFound => StatusCodes.Status404NotFound,
        ErrorCodes.Kicked => StatusCodes.Status403Forbidden,
        ErrorCodes.SessionEnded => StatusCodes.Status410Gone,
        ErrorCodes.SessionExists or ErrorCodes.SessionNotAttached or ErrorCodes.SessionLimit or ErrorCodes.AudioGap => StatusCodes.Status409Conflict,
        ErrorCodes.ChunkTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.RateLimited or ErrorCodes.Backpressure => StatusCodes.Status429TooManyRequests,
        ErrorCodes.ServerBusy or ErrorCodes.SttUnavailable or ErrorCodes.SessionOnAnotherNode => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.Internal => StatusCodes.Status500InternalServerError,
        // A provider that failed (retryable) is an upstream's failure; one refused for good (an unknown model
        // profile) is the request's. Everything else is the shape or content of the request.
        ErrorCodes.SttFailed or ErrorCodes.AiFailed or ErrorCodes.TtsFailed or ErrorCodes.StorageFailed when error.Retryable => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status400BadRequest,
    };
}
