using Microsoft.Extensions.FileProviders;

namespace Microsoft.Extensions.DependencyInjection;

public static class WebClientExtensions
{
    /// <summary>The reference web client: <c>wwwroot</c> (<c>/</c> is the roleplay page, <c>/admin.html</c> the session
    /// history) and <c>/lib/signalr.min.js</c>, the <c>@microsoft/signalr</c> browser bundle that Backend.csproj copies
    /// from <c>ClientApp/node_modules</c> into the build output. Static files need no authorization: the pages sign in
    /// and call the APIs with a token.</summary>
    public static IApplicationBuilder UseWebClient(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/lib",
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "ClientApp", "lib")),
        });
        return app;
    }
}
