using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Coaching;
using RoleplayHub.History;

namespace Microsoft.Extensions.DependencyInjection;

public static class CoachingServiceExtensions
{
    /// <summary>
    /// The coaching report at the end of every drill (<c>Coaching:*</c>, validated at start-up): the
    /// <see cref="DrillCoach"/>, and a <see cref="DrillTurnCapture"/> in front of the session journal registered so
    /// far. Call it after <c>AddSessionHistory</c> (whose journal it wraps) and before <c>AddSessionManagement</c>.
    /// </summary>
    public static IHostApplicationBuilder AddCoachingReports(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CoachingOptions>().BindConfiguration(CoachingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoachingOptions>, ValidateCoachingOptions>();
        services.TryAddSingleton<IReportArchive, NoReportArchive>();

        var journal = services.LastOrDefault(d => d.ServiceType == typeof(ISessionJournal));
        services.AddSingleton(sp => new DrillTurnCapture(
            journal is null ? new NoSessionJournal() : (ISessionJournal)Resolve(sp, journal),
            keep: sp.GetRequiredService<IOptions<CoachingOptions>>().Value.Enabled));
        services.Replace(ServiceDescriptor.Singleton<ISessionJournal>(sp => sp.GetRequiredService<DrillTurnCapture>()));
        services.AddSingleton<CoachingModel>();
        services.AddSingleton<DrillCoach>();
        return builder;
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.GetServiceOrCreateInstance(services, descriptor.ImplementationType!);
}
