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
        var library = Path.Combine(AppContext.BaseDirectory, "ClientApp", "lib");
        if (!Directory.Exists(library))
        {
            // The build refuses to run without the bundle, so this is a hand-assembled deployment.
            throw new InvalidOperationException($"The web client's SignalR library is missing ({library}); build the service after scripts/setup.sh has installed it.");
        }

        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/lib", FileProvider = new PhysicalFileProvider(library) });
        return app;
    }
}
