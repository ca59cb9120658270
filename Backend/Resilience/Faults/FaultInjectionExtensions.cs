using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Resilience.Faults;

namespace Microsoft.Extensions.DependencyInjection;

public static class FaultInjectionExtensions
{
    /// <summary><see cref="FaultOptions"/> (<c>Faults:*</c>, off by default) and the one <see cref="FaultInjector"/>
    /// the provider catalog and the media store put in front of their providers when it is on. Safe to call twice.</summary>
    public static IServiceCollection AddFaultInjection(this IServiceCollection services)
    {
        services.AddOptions<FaultOptions>().BindConfiguration(FaultOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FaultOptions>, ValidateFaultOptions>());
        services.TryAddSingleton<FaultInjector>();
        return services;
    }
}
