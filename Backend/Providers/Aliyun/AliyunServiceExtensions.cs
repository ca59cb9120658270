using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Aliyun;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Scenarios;

namespace Microsoft.Extensions.DependencyInjection;

public static class AliyunServiceExtensions
{
    /// <summary>The HttpClient the NLS clients share (keyed service).</summary>
    public const string HttpClientKey = ProviderNames.Aliyun;

    /// <summary>
    /// Alibaba Cloud NLS as the <c>aliyun</c> speech provider for zh-CN and en-US, selectable per stage and language
    /// (<c>Stt:ByLanguage:zh-CN=aliyun</c>, <c>Tts:ByLanguage:zh-CN=aliyun</c>), with one shared, self-renewing token,
    /// and the offline fallback on outages when <c>Stt:Fallback</c> / <c>Tts:Fallback</c> name one.
    /// Registering it costs nothing when it is not selected: no connection is made until a session uses it.
    /// </summary>
    public static IHostApplicationBuilder AddAliyunProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AliyunOptions>().BindConfiguration(AliyunOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AliyunOptions>, ValidateAliyunOptions>();

        // One pooled client for token, REST recognition and TTS; connections are recycled so DNS changes are seen.
        services.AddKeyedSingleton(HttpClientKey, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each call sets its own (Aliyun:RequestTimeout)
        });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<NlsTokenProvider>(sp, sp.GetRequiredKeyedService<HttpClient>(HttpClientKey)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AliyunSpeechToText>(sp, sp.GetRequiredKeyedService<HttpClient>(HttpClientKey)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AliyunAvatarSpeech>(sp, sp.GetRequiredKeyedService<HttpClient>(HttpClientKey)));

        // Cloud providers (ICloudProvider): the catalog puts them behind Stt:Fallback / Tts:Fallback when those name one.
        services.AddSingleton<ISpeechToText>(sp => sp.GetRequiredService<AliyunSpeechToText>());
        services.AddSingleton<IAvatarSpeech>(sp => sp.GetRequiredService<AliyunAvatarSpeech>());
        services.Configure<PersonaVoiceOptions>(voices => voices.Providers.Add(ProviderNames.Aliyun)); // scenario files may say voice.aliyun
        services.AddReadinessCheck<AliyunReadinessCheck>("speech:" + ProviderNames.Aliyun);
        return builder;
    }
}
