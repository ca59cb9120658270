using RoleplayHub.Providers.Tts;
using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Providers.Faults;

/// <summary>An avatar voice with injected faults (stage <c>tts</c>): a late clip, or a retryable synthesis failure at
/// once or after <c>Faults:Timeout</c>.</summary>
internal sealed class FaultyAvatarSpeech(IAvatarSpeech inner, FaultInjector faults) : IAvatarSpeech
{
    public string Name => inner.Name;

    public bool Supports(string language) => inner.Supports(language);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        switch (faults.Next("tts", FaultKind.Delay, FaultKind.Error, FaultKind.Timeout))
        {
            case FaultKind.Delay:
                await Task.Delay(faults.Delay, cancellationToken);
                break;
            case FaultKind.Error:
                throw new SpeechSynthesisException("the voice service failed (injected fault)", retryable: true);
            case FaultKind.Timeout:
                await Task.Delay(faults.Timeout, cancellationToken);
                throw new SpeechSynthesisException("the voice service timed out (injected fault)", retryable: true);
        }

        return await inner.SynthesizeAsync(request, cancellationToken);
    }
}
