using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.AudioSocket;

namespace Microsoft.Extensions.DependencyInjection;

public static class AudioSocketExtensions
{
    public const string AudioSocketPath = RoleplayHubExtensions.HubPath + "/audio";

    /// <summary>The audio socket (<see cref="AudioSocketEndpoint"/>): the session's audio as binary WebSocket messages,
    /// under the hub's path, so it takes the token as the hub does (a header, or <c>?access_token=</c>).</summary>
    public static IEndpointConventionBuilder MapAudioSocket(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<HubLimitsOptions>>().Value;
        var webSockets = new WebSocketOptions { KeepAliveInterval = limits.KeepAliveInterval };
        foreach (var origin in limits.AllowedOrigins)
        {
            webSockets.AllowedOrigins.Add(origin); // browsers do not apply CORS to WebSockets: the server checks Origin
        }

        var socket = app.CreateApplicationBuilder().UseWebSockets(webSockets);
        socket.Run(AudioSocketEndpoint.HandleAsync);
        return app.Map(AudioSocketPath, socket.Build()).RequireAuthorization(AuthPolicies.Trainee).WithDisplayName("Audio socket");
    }
}
