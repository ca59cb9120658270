using Microsoft.AspNetCore.Diagnostics;

namespace RoleplayHub.Http;

/// <summary>
/// Every exception a request throws ends here, in every environment. A <see cref="BadHttpRequestException"/> (a query
/// value of the wrong type, a body that is not the JSON expected, a body too large…) is the client's mistake: its
/// status (400, 413, 415…) with the framework's message, which names the parameter. Anything else is a generic 500:
/// the exception is logged with the request's trace id, and the answer says nothing about it.
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            LogBadRequest(logger, context.Request.Method, context.Request.Path, bad.Message);
            await WriteAsync(context, bad.StatusCode, "Invalid request", ProblemText.Shorten(bad.Message));
            return true;
        }

        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away: nobody to answer, nothing went wrong here
        }

        LogUnexpected(logger, exception, context.Request.Method, context.Request.Path, context.TraceIdentifier);
        await WriteUnexpectedAsync(context);
        return true;
    }

    /// <summary>The answer to a failure of the service itself: nothing of the exception, only the trace id the log has.</summary>
    public static Task WriteUnexpectedAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status500InternalServerError, "An unexpected error occurred", "The service could not complete the request; it has been logged.");

    private static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        // Written as problem+json whatever the Accept header says (IProblemDetailsService first, then plain JSON).
        return TypedResults.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bad request {Method} {Path}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path} (trace {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path, string traceId);
}
