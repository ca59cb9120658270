using RoleplayHub.Providers.Stt;
using RoleplayHub.Resilience.Faults;

namespace RoleplayHub.Providers.Faults;

/// <summary>A recogniser with injected faults (stage <c>stt</c>): a late final; a retryable failure of the final, at
/// once or after <c>Faults:Timeout</c>; or a recognition stream that drops while the trainee speaks. A cloud
/// recogniser's failures are outages (<see cref="ProviderOutageException"/> inside), as a real one's would be, so its
/// fallback and breaker engage.</summary>
internal class FaultySpeechToText(ISpeechToText inner, FaultInjector faults) : ISpeechToText
{
    public string Name => inner.Name;

    public IReadOnlyCollection<string> Languages => inner.Languages;

    public int NarrowestUsefulSampleRate => inner.NarrowestUsefulSampleRate;

    /// <summary>The wrapper for <paramref name="provider"/>: a cloud recogniser stays a cloud recogniser, so the
    /// catalog still puts it behind its fallback.</summary>
    public static ISpeechToText Wrap(ISpeechToText provider, FaultInjector faults) =>
        provider is ICloudProvider ? new FaultyCloudSpeechToText(provider, faults) : new FaultySpeechToText(provider, faults);

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request) => new Recognizer(inner.CreateRecognizer(request), this, faults);

    private SpeechRecognitionException Failure(string message) =>
        new(message, retryable: true, this is ICloudProvider ? new ProviderOutageException(inner.Name, message) : null);

    private sealed class Recognizer(ISpeechRecognizer inner, FaultySpeechToText owner, FaultInjector faults) : ISpeechRecognizer
    {
        // One draw per utterance for the stream: a drop happens once, on the utterance's first audio.
        private bool _drawn;

        public ValueTask StartAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

        public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        {
            if (!_drawn)
            {
                _drawn = true;
                if (faults.Next("stt", FaultKind.Drop) is FaultKind.Drop)
                {
                    throw owner.Failure("the recognition stream dropped (injected fault)");
                }
            }

            return inner.AcceptAsync(pcm16, cancellationToken);
        }

        public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
        {
            _drawn = false;
            switch (faults.Next("stt", FaultKind.Delay, FaultKind.Error, FaultKind.Timeout))
            {
                case FaultKind.Delay:
                    await Task.Delay(faults.Delay, cancellationToken);
                    break;
                case FaultKind.Error:
                    await inner.CancelUtteranceAsync(cancellationToken);
                    throw owner.Failure("the recogniser failed (injected fault)");
                case FaultKind.Timeout:
                    await Task.Delay(faults.Timeout, cancellationToken);
                    await inner.CancelUtteranceAsync(cancellationToken);
                    throw owner.Failure("the recogniser timed out (injected fault)");
            }

            return await inner.EndUtteranceAsync(cancellationToken);
        }

        public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
        {
            _drawn = false;
            return inner.CancelUtteranceAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class FaultyCloudSpeechToText(ISpeechToText inner, FaultInjector faults) : FaultySpeechToText(inner, faults), ICloudProvider;
}
