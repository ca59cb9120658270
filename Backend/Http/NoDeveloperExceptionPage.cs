using Microsoft.AspNetCore.Diagnostics;

namespace RoleplayHub.Http;

/// <summary>
/// WebApplication puts the developer exception page in front of the pipeline in Development, where it shows the
/// exception, the stack trace, the headers and the route of anything that gets past <see cref="ProblemExceptionHandler"/>
/// (an exception in routing, say). A filter of that page decides what it displays: here, the same generic 500 problem
/// as in Production. Developers read exceptions in the log.
/// </summary>
internal sealed class NoDeveloperExceptionPage(ILogger<NoDeveloperExceptionPage> logger) : IDeveloperPageExceptionFilter
{
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        logger.LogError(errorContext.Exception, "Unhandled exception outside the exception handler on {Path}", errorContext.HttpContext.Request.Path);
        return ProblemExceptionHandler.WriteUnexpectedAsync(errorContext.HttpContext);
    }
}
