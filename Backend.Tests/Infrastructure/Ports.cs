using System.Net;
using System.Net.Sockets;

namespace RoleplayHub.Tests.Infrastructure;

public static class Ports
{
    /// <summary>A loopback port nothing listens on right now (the OS picked it, then it was released).</summary>
    public static int FreeLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
