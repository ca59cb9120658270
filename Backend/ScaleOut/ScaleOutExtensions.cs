using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.History;
using RoleplayHub.ScaleOut;
using RoleplayHub.Sessions;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

public static class ScaleOutExtensions
{
    /// <summary>
    /// Several nodes (docs/deployment.md), when <c>ScaleOut:Redis</c> is set: SignalR's Redis backplane, so a send to
    /// a user, a group or everyone reaches connections on every node; session leases in the same Redis, renewed while
    /// a session lives, so a node refuses a session another live node runs; and each node listening for the admin
    /// ends of its sessions. Unset, a node stands alone and none of this is registered. After <c>AddRoleplayHub</c>
    /// and <c>AddSessionManagement</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRoleplayScaleOut(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScaleOutOptions>().BindConfiguration(ScaleOutOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ScaleOutOptions>, ValidateScaleOutOptions>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{ScaleOutOptions.Section}:{nameof(ScaleOutOptions.Redis)}"]))
        {
            return builder;
        }

        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IOptions<ScaleOutOptions>>((backplane, scaleOut) =>
        {
            backplane.Configuration = ConfigurationOptions.Parse(scaleOut.Value.Redis!);
            backplane.Configuration.AbortOnConnectFail = false; // a node starts while Redis is away, and reconnects
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal(scaleOut.Value.ChannelPrefix);
        });

        builder.Services.Configure<HistoryOptions>(history => history.SessionsMoveBetweenNodes = true); // a lost session is restored elsewhere
        builder.Services.AddSingleton<ScaleOutNode>();
        builder.Services.AddSingleton<ClusterRedis>();
        builder.Services.AddSingleton<RedisSessionOwnership>();
        builder.Services.Replace(ServiceDescriptor.Singleton<ISessionOwnership>(services => services.GetRequiredService<RedisSessionOwnership>()));
        builder.Services.AddHostedService<LeaseRenewer>();
        builder.Services.AddHostedService<AdminEndListener>();
        builder.Services.AddHostedService<KickListener>();
        builder.Services.AddReadinessCheck<RedisReadinessCheck>("scaleout:redis");
        return builder;
    }
}
