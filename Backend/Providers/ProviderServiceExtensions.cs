using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Providers.Tts.Espeak;
using RoleplayHub.Scenarios;

namespace Microsoft.Extensions.DependencyInjection;

public static class ProviderServiceExtensions
{
    /// <summary>
    /// The providers every installation has — PocketSphinx, espeak-ng and the scripted engine, the defaults, all
    /// offline — with the OpenAI-compatible AI, the benchmark stand-ins when a stage names them, and the
    /// <see cref="ProviderCatalog"/> that chooses among every registered provider from configuration (<c>Stt:*</c>,
    /// <c>Ai:*</c>, <c>Tts:*</c>). A cloud provider registers itself the same way (<c>AddAliyunProviders</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRoleplayProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SttProviderOptions>().BindConfiguration(SttProviderOptions.Section).ValidateOnStart();
        services.AddOptions<TtsProviderOptions>().BindConfiguration(TtsProviderOptions.Section).ValidateOnStart();
        services.AddOptions<AiOptions>().BindConfiguration(AiOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SttProviderOptions>, ValidateSpeechStageOptions>();
        services.AddSingleton<IValidateOptions<TtsProviderOptions>, ValidateSpeechStageOptions>();
        services.AddSingleton<IValidateOptions<AiOptions>, ValidateAiOptions>();

        // Speech-to-text. The readiness checks of the offline engines are the engines' own instances.
        services.AddOptions<PocketSphinxOptions>().BindConfiguration(PocketSphinxOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PocketSphinxOptions>, ValidatePocketSphinxOptions>();
        services.AddSingleton<PocketSphinxSpeechToText>();
        services.AddSingleton<ISpeechToText>(sp => sp.GetRequiredService<PocketSphinxSpeechToText>());
        services.AddReadinessCheck("stt:" + ProviderNames.PocketSphinx, sp =>
        {
            var engine = sp.GetRequiredService<PocketSphinxSpeechToText>();
            var stt = sp.GetRequiredService<IOptions<SttProviderOptions>>().Value;
            return new RoutedProviderCheck(engine, SpeechRouting.Reaches(stt, engine.Name, engine.Languages));
        });

        // Avatar speech.
        services.AddSingleton<EspeakAvatarSpeech>();
        services.AddSingleton<IAvatarSpeech>(sp => sp.GetRequiredService<EspeakAvatarSpeech>());
        services.Configure<PersonaVoiceOptions>(voices => voices.Providers.Add(ProviderNames.Espeak)); // scenario files may say voice.espeak
        services.AddReadinessCheck("tts:" + ProviderNames.Espeak, sp =>
        {
            var tts = sp.GetRequiredService<IOptions<TtsProviderOptions>>().Value;
            return new RoutedProviderCheck(sp.GetRequiredService<EspeakAvatarSpeech>(), SpeechRouting.Reaches(tts, ProviderNames.Espeak, languages: null));
        });

        // The roleplay AI: only the configured one is created; /readyz reports it as ai:<name>.
        services.AddRoleplayAi<ScriptedRoleplayAi>(ProviderNames.Scripted);
        services.AddOpenAiRoleplayAi();
        var ai = builder.Configuration[$"{AiOptions.Section}:Provider"] ?? new AiOptions().Provider;
        services.AddReadinessCheck<RoleplayAiReadiness>("ai:" + ai.ToLowerInvariant());

        builder.AddLatencyModelProviders();

        services.AddFaultInjection();
        services.AddSingleton<ProviderCatalog>();
        services.AddSingleton<IRoleplayAi>(sp => sp.GetRequiredService<ProviderCatalog>().RoleplayAi);
        return builder;
    }

    /// <summary>Registers a roleplay AI the catalog can choose as <c>Ai:Provider=<paramref name="name"/></c>.</summary>
    public static IServiceCollection AddRoleplayAi<T>(this IServiceCollection services, string name)
        where T : class, IRoleplayAi
    {
        services.TryAddSingleton<T>();
        services.AddSingleton(sp => new RoleplayAiRegistration(name, () => sp.GetRequiredService<T>()));
        return services;
    }
}
