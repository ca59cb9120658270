using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.Fallback;

/// <summary>
/// Wraps a cloud voice so an outage (<see cref="ProviderOutageException"/>) speaks the segment with the offline
/// provider named by <c>Tts:Fallback</c> (espeak-ng speaks en-US and zh-CN) instead of leaving the avatar silent.
/// The catalog found that provider once, when it made this wrapper (<see cref="OutageFallbacks"/>).
/// </summary>
public sealed class FallbackAvatarSpeech(
    IAvatarSpeech primary,
    IAvatarSpeech fallback,
    TimeSpan cooldown,
    TimeProvider time,
    ILogger<FallbackAvatarSpeech> logger) : IAvatarSpeech
{
    private readonly OutageBreaker _breaker = new(time);

    public string Name => primary.Name;

    public bool Supports(string language) => primary.Supports(language);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        var speaks = fallback.Supports(request.Language);
        if (speaks && _breaker.IsOpen)
        {
            return await fallback.SynthesizeAsync(request, cancellationToken);
        }

        try
        {
            return await primary.SynthesizeAsync(request, cancellationToken);
        }
        catch (SpeechSynthesisException ex) when (ex.InnerException is ProviderOutageException && speaks)
        {
            _breaker.Trip(cooldown);
            logger.LogWarning("{Primary} is unavailable ({Reason}); speaking with {Fallback}", primary.Name, ex.Message, fallback.Name);
            return await fallback.SynthesizeAsync(request, cancellationToken);
        }
    }
}
