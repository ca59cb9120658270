using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SessionServiceExtensions
{
    /// <summary>The session layer: the <see cref="SessionManager"/> the hub calls, the registry, starter and ender
    /// behind it (the ender is also a hosted service, for the graceful drain), the idle sweeper, and the admission of
    /// new sessions by the CPU the node uses. The hub registers the <see cref="ISessionClients"/> that delivers what
    /// sessions say.</summary>
    public static IHostApplicationBuilder AddSessionManagement(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoleplaySessionOptions>().BindConfiguration(RoleplaySessionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RoleplaySessionOptions>, ValidateRoleplaySessionOptions>();
        builder.Services.AddSingleton<AudioBlockPool>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.TryAddSingleton<ISessionOwnership, SingleNodeOwnership>(); // ScaleOut/ replaces it with Redis leases
        builder.Services.AddSingleton<SessionEnder>();
        builder.Services.AddSingleton<SessionStarter>();
        builder.Services.AddSingleton<SessionManager>();
        builder.Services.AddSingleton<KickedUsers>();
        builder.Services.AddSingleton<UserKicks>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionEnder>()); // the graceful drain
        builder.Services.AddHostedService<SessionSweeper>();
        builder.Services.AddSingleton<NodeAdmission>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeAdmission>()); // it samples the node's CPU
        return builder;
    }
}
