using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Protocols;
using RoleplayHub.Hubs.Transport;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

public static class RoleplayHubExtensions
{
    public const string HubPath = "/hubs/roleplay";
    private const string CorsPolicy = "roleplay-web-clients";

    /// <summary>SignalR with the JSON and MessagePack protocols (the same payloads; audio as bytes under MessagePack),
    /// the hub's converters, and its limits.</summary>
    public static IHostApplicationBuilder AddRoleplayHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HubLimitsOptions>().BindConfiguration(HubLimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HubLimitsOptions>, ValidateHubLimitsOptions>();

        builder.Services.AllowQueryStringToken(HubPath); // browsers cannot set headers on WebSockets and EventSources
        builder.Services.AddSingleton<SessionNotifier>();
        builder.Services.AddSingleton<HubNotices>();
        // TryAdd: another transport (LiveHttp/) may put a router in front of the notifier, registered before or after.
        builder.Services.TryAddSingleton<ISessionClients>(services => services.GetRequiredService<SessionNotifier>());
        builder.Services.AddSingleton<ConnectionOwners>();
        builder.Services.AddSingleton<ConnectionGuard>();
        builder.Services.AddSingleton<IHubActivator<RoleplayHub.Hubs.RoleplayHub>, RoleplayHubActivator>();
        builder.Services.AddSingleton<RoleplayHub.Hubs.AudioSocket.AudioSockets>();
        builder.Services.AddSignalR().AddJsonProtocol().AddMessagePackProtocol();
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<HubLimitsOptions>>((hub, limits) =>
        {
            hub.KeepAliveInterval = limits.Value.KeepAliveInterval;
            hub.ClientTimeoutInterval = limits.Value.ClientTimeoutInterval;
            hub.HandshakeTimeout = limits.Value.HandshakeTimeout;
            hub.StatefulReconnectBufferSize = limits.Value.StatefulReconnectBufferSize;

            // One call at a time per connection: audio chunks are applied in the order they were sent.
            // Nothing in the hub waits on the pipeline, so this costs no throughput.
            hub.MaximumParallelInvocationsPerClient = 1;
            hub.EnableDetailedErrors = false;
        });

        // Room for chunks well above Sessions:MaxChunkBytes, so an oversize chunk gets a clean chunk-too-large
        // error (without being decoded) instead of SignalR closing the connection; still a hard memory bound.
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<RoleplaySessionOptions>>((hub, sessions) =>
            hub.MaximumReceiveMessageSize = MaxMessageBytes(sessions.Value));
        builder.Services.AddOptions<JsonHubProtocolOptions>().Configure<IOptions<RoleplaySessionOptions>>((json, sessions) =>
            HubJson.Configure(json.PayloadSerializerOptions, sessions.Value.MaxChunkBytes));
        builder.Services.AddOptions<MessagePackHubProtocolOptions>().Configure<IOptions<JsonHubProtocolOptions>, IOptions<RoleplaySessionOptions>>((messagePack, json, sessions) =>
            messagePack.SerializerOptions = HubMessagePackResolver.Options(json.Value.PayloadSerializerOptions, sessions.Value.MaxChunkBytes));

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HubLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.Value.MaxConnections);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, AudioMemoryPoolFactory>(); // one recv per audio chunk
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<HubLimitsOptions>>((cors, limits) => cors.AddPolicy(CorsPolicy, policy =>
        {
            if (limits.Value.AllowedOrigins.Length > 0)
            {
                policy.WithOrigins(limits.Value.AllowedOrigins).AllowAnyHeader().WithMethods("GET", "POST").AllowCredentials();
            }
        }));
        return builder;
    }

    /// <summary>Holds every request for a connection to the user who negotiated it, and caps each user's connections;
    /// after <c>UseAuthorization</c>.</summary>
    public static IApplicationBuilder UseHubConnectionOwnership(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(HubPath), hub => hub.UseMiddleware<ConnectionOwnership>());

    public static IEndpointRouteBuilder MapRoleplayHub(this IEndpointRouteBuilder app)
    {
        var sessions = app.ServiceProvider.GetRequiredService<IOptions<RoleplaySessionOptions>>().Value;
        // The transport must be able to buffer a whole message before the hub parses it.
        var buffer = Math.Max(64 * 1024, 2 * MaxMessageBytes(sessions));
        app.MapHub<RoleplayHub.Hubs.RoleplayHub>(HubPath, connection =>
        {
            connection.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
            connection.ApplicationMaxBufferSize = buffer;
            connection.TransportMaxBufferSize = buffer;
            connection.AllowStatefulReconnects = true;
            connection.CloseOnAuthenticationExpiration = true; // an expired token ends the connection; the client reconnects with a fresh one and resumes
        }).RequireCors(CorsPolicy);
        return app;
    }

    internal static long MaxMessageBytes(RoleplaySessionOptions sessions) => (4L * ((sessions.MaxChunkBytes + 2) / 3 * 4)) + 4_096;
}
