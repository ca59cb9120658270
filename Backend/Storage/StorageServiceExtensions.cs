using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Resilience.Faults;
using RoleplayHub.Storage;
using RoleplayHub.Storage.Cloud;

namespace Microsoft.Extensions.DependencyInjection;

public static class StorageServiceExtensions
{
    /// <summary>
    /// The data directory and the media store chosen by <c>Media:Provider</c>: <c>local</c> (files served with signed
    /// URLs, the default), <c>oss</c> (Alibaba Cloud OSS, native API) or <c>s3</c> (any S3-compatible bucket).
    /// </summary>
    public static IHostApplicationBuilder AddMediaStore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<DataDirectory>();
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaOptions>, ValidateMediaOptions>();
        services.AddSingleton<MediaUrlSigner>();
        services.AddSingleton<LocalMediaStore>();

        // OSS takes the Aliyun key pair unless it has its own.
        services.AddOptions<ObjectStoreOptions>("oss").BindConfiguration(ObjectStoreOptions.OssSection)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                o.AccessKeyId ??= config["Aliyun:AccessKeyId"];
                o.AccessKeySecret ??= config["Aliyun:AccessKeySecret"];
                o.SecurityToken ??= config["Aliyun:SecurityToken"];
            })
            .ValidateOnStart();
        services.AddOptions<ObjectStoreOptions>("s3").BindConfiguration(ObjectStoreOptions.S3Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObjectStoreOptions>, ValidateObjectStoreOptions>();
        services.AddFaultInjection();
        services.AddSingleton<IMediaStore>(sp =>
        {
            var store = CreateStore(sp);
            var faults = sp.GetRequiredService<FaultInjector>();
            return faults.Covers("media") ? new FaultyMediaStore(store, faults) : store;
        });

        services.AddReadinessCheck<MediaStoreCheck>("media:" + (builder.Configuration[$"{MediaOptions.Section}:Provider"] ?? new MediaOptions().Provider));
        services.AddHostedService<MediaSweeper>();
        return builder;
    }

    private static IMediaStore CreateStore(IServiceProvider sp)
    {
        var media = sp.GetRequiredService<IOptions<MediaOptions>>();
        var stores = sp.GetRequiredService<IOptionsMonitor<ObjectStoreOptions>>();
        var time = sp.GetRequiredService<TimeProvider>();
        switch (media.Value.Provider)
        {
            case "oss":
                var oss = stores.Get("oss");
                var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };
                var client = new OssObjectStorage(http, oss, time);
                return new CloudMediaStore("oss", client, oss.Prefix, media, time, sp.GetRequiredService<ILogger<CloudMediaStore>>());
            case "s3":
                var s3 = stores.Get("s3");
                return new CloudMediaStore("s3", new S3ObjectStorage(s3, time), s3.Prefix, media, time, sp.GetRequiredService<ILogger<CloudMediaStore>>());
            default:
                return sp.GetRequiredService<LocalMediaStore>();
        }
    }

    private sealed class MediaStoreCheck(IMediaStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Readiness.From(await ProblemAsync(cancellationToken));

        private async Task<string?> ProblemAsync(CancellationToken cancellationToken)
        {
            if (store is CloudMediaStore cloud)
            {
                return await cloud.Storage.CheckAsync(cancellationToken);
            }

            if (store is not LocalMediaStore local)
            {
                return null;
            }

            try
            {
                var probe = Path.Combine(local.Root, ".ready");
                await File.WriteAllTextAsync(probe, "ok", cancellationToken);
                File.Delete(probe);
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"the media folder {local.Root} is not writable: {ex.Message}";
            }
        }
    }
}
