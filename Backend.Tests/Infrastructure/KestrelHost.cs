using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RoleplayHub.Tests.Infrastructure;

public static class KestrelHost
{
    /// <summary>Starts the factory's app on a real Kestrel socket (loopback, a free port) and returns its base URL,
    /// for clients that cannot use TestServer: Node, Chromium.</summary>
    public static string StartOnLoopback(this RoleplayHubFactory factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }
}
