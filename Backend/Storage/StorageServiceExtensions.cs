using Microsoft.Extensions.Options;
using RoleplayHub.Health;
using RoleplayHub.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class StorageServiceExtensions
{
    /// <summary>The data directory and the media store (local files served with signed URLs by default).</summary>
    public static IHostApplicationBuilder AddMediaStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DataDirectory>();
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MediaOptions>, ValidateMediaOptions>();
        builder.Services.AddSingleton<MediaUrlSigner>();
        builder.Services.AddSingleton<LocalMediaStore>();
        builder.Services.AddSingleton<IMediaStore>(sp => sp.GetRequiredService<LocalMediaStore>());
        builder.Services.AddSingleton<IReadinessProbe, MediaFolderProbe>();
        builder.Services.AddHostedService<MediaSweeper>();
        return builder;
    }

    private sealed class MediaFolderProbe(IMediaStore store) : IReadinessProbe
    {
        public string Name => "media:" + store.Name;

        public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
        {
            if (store is not LocalMediaStore local)
            {
                return ValueTask.FromResult<string?>(null);
            }

            try
            {
                var probe = Path.Combine(local.Root, ".ready");
                File.WriteAllText(probe, "ok");
                File.Delete(probe);
                return ValueTask.FromResult<string?>(null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return ValueTask.FromResult<string?>($"the media folder {local.Root} is not writable: {ex.Message}");
            }
        }
    }
}
