using Microsoft.Extensions.Options;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Health;

namespace Microsoft.Extensions.DependencyInjection;

public static class VadServiceExtensions
{
    /// <summary>
    /// Server voice activity detection: the detector kinds a session's <c>turnDetection.detector</c> names —
    /// <c>energy</c> (always there) and <c>silero</c> (once <c>scripts/setup.sh runtime</c> has installed its model) —
    /// as <see cref="IVoiceDetectorKind"/>s gathered in <see cref="VoiceDetectors"/>, the options (<c>Vad:*</c>) and the readiness check <c>vad:silero</c>. A
    /// missing model neither stops the start nor makes the node unready.
    /// </summary>
    public static IHostApplicationBuilder AddVoiceActivityDetection(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<VadOptions>().BindConfiguration(VadOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VadOptions>, ValidateVadOptions>();
        services.AddSingleton<SileroModel>();
        services.AddSingleton<IVoiceDetectorKind, EnergyDetectorKind>();
        services.AddSingleton<IVoiceDetectorKind, SileroDetectorKind>();
        services.AddSingleton(sp => new VoiceDetectors(sp.GetServices<IVoiceDetectorKind>(), sp.GetRequiredService<IOptions<VadOptions>>().Value.DefaultDetector));
        services.AddReadinessCheck<SileroReadinessCheck>("vad:" + SileroDetectorKind.DetectorName);
        return builder;
    }
}
