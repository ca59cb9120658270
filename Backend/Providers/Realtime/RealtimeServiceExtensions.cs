using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Providers.Realtime;

namespace Microsoft.Extensions.DependencyInjection;

public static class RealtimeServiceExtensions
{
    /// <summary>
    /// The realtime speech-to-speech models (<see cref="IRealtimeModels"/>) of the <c>Realtime:Profiles</c> section,
    /// validated at start-up. Costs nothing until a session connects; with no profile configured it is simply empty.
    /// </summary>
    public static IHostApplicationBuilder AddRealtimeModels(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RealtimeOptions>, ValidateRealtimeOptions>();
        services.AddSingleton<IRealtimeModels, RealtimeModels>();
        services.AddReadinessCheck<RealtimeReadinessCheck>("realtime:profiles");
        return builder;
    }
}
