using Microsoft.AspNetCore.Diagnostics;
using RoleplayHub.Http;

namespace Microsoft.Extensions.DependencyInjection;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Every error is an RFC 7807 problem (<c>application/problem+json</c>) with a trace id, in every environment:
    /// exceptions through <see cref="ProblemExceptionHandler"/>, bodiless 4xx/5xx (an unknown route, a wrong method,
    /// a refused token) through the status code pages. No exception page, no stack trace, in any environment.
    /// </summary>
    public static IHostApplicationBuilder AddRoleplayProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context => Limit(context.ProblemDetails));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter, NoDeveloperExceptionPage>();

        // Binding failures throw in every environment, not only Development, so the handler can name the parameter
        // (otherwise they are a bare 400 with the reason in the log only).
        builder.Services.PostConfigure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>First in the pipeline, so it also covers the web client's static files and authentication.</summary>
    public static IApplicationBuilder UseRoleplayProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        // Browsers asking for HTML get a one-line text instead: the problem writer only answers JSON clients.
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Any problem that repeats the client's input stays short, whoever wrote it.</summary>
    private static void Limit(Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        problem.Title = problem.Title is null ? null : ProblemText.Shorten(problem.Title);
        problem.Detail = problem.Detail is null ? null : ProblemText.Shorten(problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var name in validation.Errors.Keys.ToList())
            {
                validation.Errors[name] = [.. validation.Errors[name].Select(m => ProblemText.Shorten(m))];
            }
        }
    }
}
