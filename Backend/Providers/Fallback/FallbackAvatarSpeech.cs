using Microsoft.Extensions.Options;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.Fallback;

/// <summary>
/// Wraps a cloud voice so an outage (<see cref="ProviderOutageException"/>) speaks the segment with the offline
/// provider named by <c>Tts:Fallback</c> (espeak-ng speaks en-US and zh-CN) instead of leaving the avatar silent.
/// </summary>
public sealed class FallbackAvatarSpeech(
    IAvatarSpeech primary,
    IServiceProvider services,
    IOptionsMonitor<TtsOptions> options,
    TimeProvider time,
    ILogger<FallbackAvatarSpeech> logger) : IAvatarSpeech
{
    private readonly OutageBreaker _breaker = new(time);

    public string Name => primary.Name;

    public bool Supports(string language) => primary.Supports(language);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        var fallback = FindFallback(request.Language);
        if (fallback is not null && _breaker.IsOpen)
        {
            return await fallback.SynthesizeAsync(request, cancellationToken);
        }

        try
        {
            return await primary.SynthesizeAsync(request, cancellationToken);
        }
        catch (SpeechSynthesisException ex) when (ex.InnerException is ProviderOutageException && fallback is not null)
        {
            _breaker.Trip(options.CurrentValue.FallbackCooldown);
            logger.LogWarning("{Primary} is unavailable ({Reason}); speaking with {Fallback}", primary.Name, ex.Message, fallback.Name);
            return await fallback.SynthesizeAsync(request, cancellationToken);
        }
    }

    private IAvatarSpeech? FindFallback(string language)
    {
        var name = options.CurrentValue.Fallback;
        if (string.IsNullOrWhiteSpace(name) || string.Equals(name, primary.Name, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var fallback = services.GetServices<IAvatarSpeech>().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return fallback is not null && fallback.Supports(language) ? fallback : null;
    }
}
