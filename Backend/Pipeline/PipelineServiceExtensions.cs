using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.Audio;
using RoleplayHub.History;
using RoleplayHub.Observability;
using RoleplayHub.Pipeline;
using RoleplayHub.Scenarios;

namespace Microsoft.Extensions.DependencyInjection;

public static class PipelineServiceExtensions
{
    /// <summary>
    /// The turn pipeline: its settings (<c>Stt:SilencePeakDbfs</c>, <c>Tts:MinSegmentChars</c>, …), the audio decoders
    /// and what every session's worker shares. The providers it runs are registered and chosen by
    /// <c>AddRoleplayProviders</c> (the provider catalog); the voice detectors of server-vad turns by
    /// <c>AddVoiceActivityDetection</c>.
    /// </summary>
    public static IHostApplicationBuilder AddVoicePipeline(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoleplayMetrics>();
        services.AddOptions<SttOptions>().BindConfiguration(SttOptions.Section);
        services.AddOptions<TtsOptions>().BindConfiguration(TtsOptions.Section);
        services.AddOptions<BargeInOptions>().BindConfiguration(BargeInOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BargeInOptions>, ValidateBargeInOptions>();
        services.AddOptions<EndOfTurnOptions>().BindConfiguration(EndOfTurnOptions.Section);
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EngineOptions>, ValidateEngineOptions>();
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section);
        services.AddSingleton<AudioDecoderFactory>();
        services.AddSingleton<RecordingFiles>();
        services.AddSingleton<PipelineServices>();
        services.AddSingleton<TurnWorkers>();
        services.AddSingleton<ILanguageSupport>(sp => sp.GetRequiredService<TurnWorkers>());
        services.TryAddSingleton<ISessionJournal, NoSessionJournal>();
        return builder;
    }
}
