using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SessionServiceExtensions
{
    /// <summary>The singleton <see cref="SessionManager"/> (also a hosted service, for the graceful drain) and the
    /// idle sweeper.</summary>
    public static IHostApplicationBuilder AddSessionManagement(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoleplaySessionOptions>().BindConfiguration(RoleplaySessionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RoleplaySessionOptions>, ValidateRoleplaySessionOptions>();
        builder.Services.AddSingleton<AudioBlockPool>();
        builder.Services.AddSingleton<SessionManager>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionManager>());
        builder.Services.AddHostedService<SessionSweeper>();
        return builder;
    }
}
