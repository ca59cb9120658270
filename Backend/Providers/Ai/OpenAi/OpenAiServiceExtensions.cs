using Microsoft.Extensions.Options;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai.OpenAi;

namespace Microsoft.Extensions.DependencyInjection;

public static class OpenAiServiceExtensions
{
    /// <summary>
    /// The OpenAI-compatible roleplay AI (<c>Ai:Provider=openai</c>): settings from <c>Ai:OpenAi</c>, model profiles
    /// from <c>Ai:Profiles</c>, checked at start-up. The provider itself is created only when it is the one chosen.
    /// </summary>
    public static IServiceCollection AddOpenAiRoleplayAi(this IServiceCollection services)
    {
        services.AddOptions<OpenAiChatOptions>()
            .BindConfiguration(OpenAiChatOptions.Section)
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(OpenAiChatOptions.ProfilesSection).Bind(options.Profiles))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenAiChatOptions>, ValidateOpenAiChatOptions>();
        services.AddRoleplayAi<OpenAiChatRoleplayAi>(ProviderNames.OpenAi);
        return services;
    }
}
