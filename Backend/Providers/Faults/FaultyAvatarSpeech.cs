using RoleplayHub.Providers.Tts;
using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Providers.Faults;

/// <summary>An avatar voice with injected faults (stage <c>tts</c>): a late clip, or a retryable synthesis failure at
/// once or after <c>Faults:Timeout</c>. A cloud voice's failures are outages (<see cref="ProviderOutageException"/>
/// inside), as a real one's would be, so its fallback and breaker engage.</summary>
internal class FaultyAvatarSpeech(IAvatarSpeech inner, FaultInjector faults) : IAvatarSpeech
{
    public string Name => inner.Name;

    /// <summary>The wrapper for <paramref name="voice"/>: a cloud voice stays a cloud voice, so the catalog still puts
    /// it behind its fallback.</summary>
    public static IAvatarSpeech Wrap(IAvatarSpeech voice, FaultInjector faults) =>
        voice is ICloudProvider ? new FaultyCloudAvatarSpeech(voice, faults) : new FaultyAvatarSpeech(voice, faults);

    public bool Supports(string language) => inner.Supports(language);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        switch (faults.Next("tts", FaultKind.Delay, FaultKind.Error, FaultKind.Timeout))
        {
            case FaultKind.Delay:
                await Task.Delay(faults.Delay, cancellationToken);
                break;
            case FaultKind.Error:
                throw Failure("the voice service failed (injected fault)");
            case FaultKind.Timeout:
                await Task.Delay(faults.Timeout, cancellationToken);
                throw Failure("the voice service timed out (injected fault)");
        }

        return await inner.SynthesizeAsync(request, cancellationToken);
    }

    private SpeechSynthesisException Failure(string message) =>
        new(message, retryable: true, this is ICloudProvider ? new ProviderOutageException(inner.Name, message) : null);

    private sealed class FaultyCloudAvatarSpeech(IAvatarSpeech inner, FaultInjector faults) : FaultyAvatarSpeech(inner, faults), ICloudProvider;
}
