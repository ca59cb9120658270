using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The network under one test client's connection, which the test can pull out: the WebSocket is aborted (no close
/// frame), and every HTTP request in flight (the Server-Sent Events stream, a long poll, a send) is cancelled, later
/// ones fail. Neither side says goodbye, as when Wi-Fi drops; the server finds out the way it would from a real
/// network (an aborted socket or request), and anything still on its way is lost.
/// </summary>
public sealed class NetworkPlug : IDisposable
{
    private readonly CancellationTokenSource _pulled = new();
    private readonly ConcurrentBag<CancellationTokenRegistration> _registrations = [];
    private WebSocket? _socket;

    public bool IsPulled => _pulled.IsCancellationRequested;

    /// <summary>Routes a connection's HTTP requests through the plug.</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new PluggedHandler(this, inner);

    /// <summary>Routes a connection's WebSocket through the plug.</summary>
    public WebSocket Wrap(WebSocket socket)
    {
        _socket = socket;
        if (IsPulled)
        {
            socket.Abort();
        }

        return socket;
    }

    public void Pull()
    {
        _pulled.Cancel();
        _socket?.Abort();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _pulled.Dispose();
    }

    private sealed class PluggedHandler(NetworkPlug plug, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (plug.IsPulled)
            {
                throw new HttpRequestException("The network is down (the test pulled the plug).");
            }

            using var link = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, plug._pulled.Token);
            var response = await base.SendAsync(request, link.Token);

            // A body can go on streaming after the headers (Server-Sent Events): pulling the plug ends it too. Disposing
            // the response aborts the request on TestServer and the socket on a real network.
            plug._registrations.Add(plug._pulled.Token.Register(response.Dispose));
            return response;
        }
    }
}
