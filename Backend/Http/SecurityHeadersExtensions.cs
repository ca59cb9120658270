using Microsoft.Extensions.Options;
using RoleplayHub.Http;
using RoleplayHub.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class SecurityHeadersExtensions
{
    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecurityHeadersOptions>, ValidateSecurityHeadersOptions>();
        return builder;
    }

    /// <summary>
    /// The browser-side defences on every response — pages, scripts, API answers, errors: a Content-Security-Policy
    /// (an endpoint may carry its own as <see cref="ContentSecurityPolicy"/> metadata), <c>nosniff</c>, no framing,
    /// no Referer (media URLs carry their signature in the query), and no camera or location for the pages.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value;
        var media = app.ApplicationServices.GetRequiredService<IOptions<MediaOptions>>().Value;
        var pages = ContentSecurityPolicy.ForPages([media.PublicBaseUrl, .. options.MediaSources]).Value;
        return app.Use((context, next) =>
        {
            // The endpoint as routed: the exception handler and the Swagger UI branch reset it later. Headers are set
            // as the response starts, because the exception handler clears those set before.
            var policy = context.GetEndpoint()?.Metadata.GetMetadata<ContentSecurityPolicy>()?.Value ?? pages;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY"; // frame-ancestors for browsers that predate it
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=(), payment=(), usb=()";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
