using System.Net.WebSockets;
using Microsoft.AspNetCore.TestHost;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// Where the hub is and how to reach it: HTTP (negotiate, Server-Sent Events, long polling) through
/// <see cref="CreateHandler"/>, WebSockets through <see cref="ConnectWebSocket"/> with the connection's access token.
/// In process that is TestServer's handler and WebSocket client; against a process it is the real network.
/// </summary>
public sealed record HubEndpoint(
    Uri Url,
    Func<HttpMessageHandler> CreateHandler,
    Func<Uri, string?, CancellationToken, Task<WebSocket>> ConnectWebSocket)
{
    public static HubEndpoint InProcess(TestServer server, string path) => new(
        new Uri(server.BaseAddress, path),
        server.CreateHandler,
        (uri, token, cancellationToken) =>
        {
            var client = server.CreateWebSocketClient();
            if (token is not null)
            {
                // What the .NET client's own WebSocket does: the token as a header (browsers, which cannot set one,
                // put it in the query string instead).
                client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
            }

            return client.ConnectAsync(uri, cancellationToken);
        });

    public static HubEndpoint OverNetwork(Uri url) => new(
        url,
        () => new SocketsHttpHandler(),
        async (uri, token, cancellationToken) =>
        {
            var socket = new ClientWebSocket();
            if (token is not null)
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            }

            await socket.ConnectAsync(uri, cancellationToken);
            return socket;
        });
}
