using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Audio;
using RoleplayHub.Health;
using RoleplayHub.Observability;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Ai.OpenAi;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.LatencyModel;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts.Espeak;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Providers;

namespace Microsoft.Extensions.DependencyInjection;

public static class PipelineServiceExtensions
{
    /// <summary>
    /// The turn pipeline and its providers. Every provider kind has one app-owned interface; the implementation is
    /// chosen from configuration (<c>Stt:Provider</c>, <c>Ai:Provider</c>, <c>Tts:Provider</c>), and the defaults
    /// are real offline engines: PocketSphinx, the scripted persona engine and espeak-ng.
    /// </summary>
    public static IHostApplicationBuilder AddVoicePipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoleplayMetrics>();
        services.AddOptions<SttOptions>().BindConfiguration(SttOptions.Section).ValidateOnStart();
        services.AddOptions<TtsOptions>().BindConfiguration(TtsOptions.Section).ValidateOnStart();
        services.AddOptions<AiOptions>().BindConfiguration(AiOptions.Section).ValidateOnStart();
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section);
        services.AddSingleton<IValidateOptions<SttOptions>, ValidatePipelineOptions>();
        services.AddSingleton<IValidateOptions<TtsOptions>, ValidatePipelineOptions>();

        // Speech-to-text: every available engine is registered; ProviderRouter picks one per language.
        services.AddOptions<PocketSphinxOptions>().BindConfiguration(PocketSphinxOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PocketSphinxOptions>, ValidatePocketSphinxOptions>();
        services.AddSingleton<PocketSphinxSpeechToText>();
        services.AddSingleton<ISpeechToText>(sp => sp.GetRequiredService<PocketSphinxSpeechToText>());

        // Avatar speech.
        services.AddSingleton<EspeakAvatarSpeech>();
        services.AddSingleton<IAvatarSpeech>(sp => sp.GetRequiredService<EspeakAvatarSpeech>());

        // Readiness of the offline engines (the checks are the engines' own instances).
        services.AddReadinessCheck<PocketSphinxSpeechToText>("stt:" + ProviderNames.PocketSphinx);
        services.AddReadinessCheck<EspeakAvatarSpeech>("tts:" + ProviderNames.Espeak);

        // The roleplay AI.
        services.AddSingleton<ScriptedRoleplayAi>();
        services.AddOpenAiRoleplayAi();
        services.AddSingleton<IRoleplayAi>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<AiOptions>>().Value.Provider;
            return provider.ToLowerInvariant() switch
            {
                ProviderNames.Scripted => sp.GetRequiredService<ScriptedRoleplayAi>(),
                ProviderNames.OpenAi => sp.GetRequiredService<OpenAiChatRoleplayAi>(),
                ProviderNames.LatencyModel => sp.GetRequiredService<LatencyModelRoleplayAi>(),
                _ => throw new InvalidOperationException($"Ai:Provider '{provider}' is unknown; use '{ProviderNames.Scripted}' or '{ProviderNames.OpenAi}'."),
            };
        });
        services.AddReadinessCheck<RoleplayAiReadiness>("ai:" + (builder.Configuration[$"{AiOptions.Section}:Provider"] ?? new AiOptions().Provider).ToLowerInvariant());

        builder.AddLatencyModelProviders();

        services.AddSingleton<ProviderRouter>();
        services.AddSingleton<AudioDecoderFactory>();
        services.AddSingleton<PipelineServices>();
        services.TryAddSingleton<ISessionJournal, NoSessionJournal>();
        return builder;
    }

    /// <summary>The benchmark harness's latency-model providers (bench/, docs/benchmarks.md), registered only when a
    /// stage is explicitly configured to use them.</summary>
    private static void AddLatencyModelProviders(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var stt = string.Equals(config["Stt:Provider"], ProviderNames.LatencyModel, StringComparison.OrdinalIgnoreCase);
        var ai = string.Equals(config["Ai:Provider"], ProviderNames.LatencyModel, StringComparison.OrdinalIgnoreCase);
        var tts = string.Equals(config["Tts:Provider"], ProviderNames.LatencyModel, StringComparison.OrdinalIgnoreCase);
        if (!stt && !ai && !tts)
        {
            return;
        }

        builder.Services.AddOptions<LatencyModelOptions>().BindConfiguration(LatencyModelOptions.Section);
        if (stt)
        {
            builder.Services.AddSingleton<ISpeechToText, LatencyModelSpeechToText>();
        }

        if (ai)
        {
            builder.Services.AddSingleton<LatencyModelRoleplayAi>();
        }

        if (tts)
        {
            builder.Services.AddSingleton<IAvatarSpeech, LatencyModelAvatarSpeech>();
        }

        builder.Services.AddHostedService<LatencyModelWarning>();
    }

    private sealed class LatencyModelWarning(ILogger<LatencyModelWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("Latency-model providers are in use: replies are fixed and delayed. This mode is for benchmarks only");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
