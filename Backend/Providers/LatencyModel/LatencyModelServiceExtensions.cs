using RoleplayHub.Providers;
using RoleplayHub.Providers.LatencyModel;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;

namespace Microsoft.Extensions.DependencyInjection;

public static class LatencyModelServiceExtensions
{
    /// <summary>The benchmark harness's latency-model providers (bench/, docs/benchmarks.md), registered only when a
    /// stage is explicitly configured to use them.</summary>
    public static IHostApplicationBuilder AddLatencyModelProviders(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var stt = Names(config[$"{SttProviderOptions.Section}:Provider"]);
        var ai = Names(config[$"{AiOptions.Section}:Provider"]);
        var tts = Names(config[$"{TtsProviderOptions.Section}:Provider"]);
        if (!stt && !ai && !tts)
        {
            return builder;
        }

        builder.Services.AddOptions<LatencyModelOptions>().BindConfiguration(LatencyModelOptions.Section);
        if (stt)
        {
            builder.Services.AddSingleton<ISpeechToText, LatencyModelSpeechToText>();
        }

        if (ai)
        {
            builder.Services.AddRoleplayAi<LatencyModelRoleplayAi>(ProviderNames.LatencyModel);
        }

        if (tts)
        {
            builder.Services.AddSingleton<IAvatarSpeech, LatencyModelAvatarSpeech>();
        }

        builder.Services.AddHostedService<LatencyModelWarning>();
        return builder;
    }

    private static bool Names(string? provider) => string.Equals(provider, ProviderNames.LatencyModel, StringComparison.OrdinalIgnoreCase);

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
