using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Providers.Fallback;

/// <summary>
/// Wraps a cloud recogniser so an outage (<see cref="ProviderOutageException"/>: unreachable, 5xx, failing after its
/// retries) hands the utterance to the offline provider named by <c>Stt:Fallback</c> — only for languages that
/// provider speaks (PocketSphinx: en-US; there is no offline Mandarin model, so zh-CN outages are reported as a
/// retryable <c>stt-failed</c>). The utterance's audio is kept so the fallback hears all of it. The catalog found
/// that provider once, when it made this wrapper (<see cref="OutageFallbacks"/>).
/// </summary>
public sealed class FallbackSpeechToText(
    ISpeechToText primary,
    ISpeechToText fallback,
    TimeSpan cooldown,
    TimeProvider time,
    ILogger<FallbackSpeechToText> logger) : ISpeechToText
{
    private readonly OutageBreaker _breaker = new(time);

    public string Name => primary.Name;

    public IReadOnlyCollection<string> Languages => primary.Languages;

    public int NarrowestUsefulSampleRate => primary.NarrowestUsefulSampleRate;

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        var recognizer = primary.CreateRecognizer(request);
        return fallback.Languages.Contains(request.Language, StringComparer.OrdinalIgnoreCase)
            ? new FallbackRecognizer(this, recognizer, fallback, request)
            : recognizer;
    }

    internal TimeSpan Cooldown => cooldown;

    internal OutageBreaker Breaker => _breaker;

    internal ILogger Logger => logger;

    private sealed class FallbackRecognizer(FallbackSpeechToText owner, ISpeechRecognizer primary, ISpeechToText fallbackProvider, RecognizerRequest request)
        : ISpeechRecognizer
    {
        private readonly MemoryStream _utterance = new();
        private ISpeechRecognizer? _fallback;
        private bool _onFallback;

        public async ValueTask StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await primary.StartAsync(cancellationToken);
            }
            catch (SpeechRecognitionException ex) when (ex.InnerException is ProviderOutageException)
            {
                owner.Breaker.Trip(owner.Cooldown);
                await EnsureFallbackAsync(ex, cancellationToken);
            }
        }

        public async ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        {
            if (_utterance.Length == 0 && !_onFallback && owner.Breaker.IsOpen)
            {
                try
                {
                    await SwitchAsync(null, cancellationToken); // still in the cool-down of a recent outage
                }
                catch (Exception ex) when (ex is SpeechCapacityException or SpeechRecognitionException)
                {
                    owner.Logger.LogDebug(ex, "Session {SessionId}: the fallback recogniser is not available; staying on {Primary}", request.SessionId, owner.Name);
                }
            }

            if (_onFallback)
            {
                return await _fallback!.AcceptAsync(pcm16, cancellationToken);
            }

            _utterance.Write(pcm16.Span); // kept while on the primary, for the fallback to hear all of it if needed

            try
            {
                return await primary.AcceptAsync(pcm16, cancellationToken);
            }
            catch (SpeechRecognitionException ex) when (ex.InnerException is ProviderOutageException)
            {
                await SwitchAsync(ex, cancellationToken);
                return await _fallback!.AcceptAsync(_utterance.GetBuffer().AsMemory(0, (int)_utterance.Length), cancellationToken);
            }
        }

        public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
        {
            try
            {
                if (!_onFallback)
                {
                    try
                    {
                        return await primary.EndUtteranceAsync(cancellationToken);
                    }
                    catch (SpeechRecognitionException ex) when (ex.InnerException is ProviderOutageException)
                    {
                        await SwitchAsync(ex, cancellationToken);
                        await _fallback!.AcceptAsync(_utterance.GetBuffer().AsMemory(0, (int)_utterance.Length), cancellationToken);
                    }
                }

                return await _fallback!.EndUtteranceAsync(cancellationToken);
            }
            finally
            {
                _utterance.SetLength(0);
                _onFallback = false;
            }
        }

        public async ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
        {
            _utterance.SetLength(0);
            _onFallback = false;
            await primary.CancelUtteranceAsync(cancellationToken);
            if (_fallback is not null)
            {
                await _fallback.CancelUtteranceAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await primary.DisposeAsync();
            if (_fallback is not null)
            {
                await _fallback.DisposeAsync();
            }

            await _utterance.DisposeAsync();
        }

        /// <summary>Moves the current utterance to the fallback; the primary's part of it is dropped.</summary>
        private async Task SwitchAsync(SpeechRecognitionException? outage, CancellationToken cancellationToken)
        {
            if (outage is not null)
            {
                owner.Breaker.Trip(owner.Cooldown);
            }

            await EnsureFallbackAsync(outage, cancellationToken);
            await primary.CancelUtteranceAsync(cancellationToken);
            _onFallback = true;
            if (outage is not null)
            {
                owner.Logger.LogWarning("Session {SessionId}: {Primary} is unavailable ({Reason}); this utterance goes to {Fallback}",
                    request.SessionId, owner.Name, outage.Message, fallbackProvider.Name);
            }
        }

        private async Task EnsureFallbackAsync(SpeechRecognitionException? outage, CancellationToken cancellationToken)
        {
            if (_fallback is not null)
            {
                return;
            }

            ISpeechRecognizer? started = null;
            try
            {
                started = fallbackProvider.CreateRecognizer(request);
                await started.StartAsync(cancellationToken);
                _fallback = started; // only once it started: a failed start is tried again at the next outage
            }
            catch (Exception ex) when (ex is SpeechCapacityException or SpeechRecognitionException)
            {
                if (started is not null)
                {
                    await started.DisposeAsync(); // frees its decoder slot
                }

                if (outage is not null)
                {
                    throw outage; // the fallback cannot help: report what the primary said
                }

                throw;
            }
        }
    }
}
