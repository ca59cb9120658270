using System.Buffers;
using System.Runtime.CompilerServices;
using RoleplayHub.Core;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Resilience;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// One session's real-time recogniser. The first audio of an utterance starts a transcription task in the
/// background; <see cref="AcceptAsync"/> only appends audio and returns the latest partial result, so the worker is
/// never held up by the network or the pacing. <see cref="EndUtteranceAsync"/> completes the audio and waits for the
/// task's sentences. A task lost to a dropped connection, an idle timeout or a server error is replayed on a new
/// connection from the utterance's kept audio; a rejected token is replaced once.
/// </summary>
internal sealed class NlsTranscriberRecognizer(AliyunSpeechToText owner, RecognizerRequest request, string appKey) : ISpeechRecognizer
{
    private const int BytesPerSecond = 32_000; // 16 kHz mono PCM16

    private readonly string _separator = AliyunSpeechToText.SentenceSeparator(request.Language);
    private UtteranceAudio? _audio;
    private CancellationTokenSource? _cancel;
    private Task<SpeechHypothesis>? _run;
    private volatile NlsTranscription? _task;

    public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask; // a task per utterance, opened on its first audio

    public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            _audio = new UtteranceAudio();
            _cancel = new CancellationTokenSource();
            var audio = _audio;
            var token = _cancel.Token;
            _run = Task.Run(() => RecognizeAsync(audio, token), CancellationToken.None);
        }

        _audio!.Append(pcm16.Span);
        var text = _task?.Text(_separator);
        return ValueTask.FromResult(text is { Length: > 0 } ? new SpeechHypothesis(text) : null);
    }

    public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            return new SpeechHypothesis("");
        }

        _audio!.Complete();
        try
        {
            return await _run.WaitAsync(cancellationToken);
        }
        finally
        {
            await ResetAsync();
        }
    }

    public async ValueTask CancelUtteranceAsync(CancellationToken cancellationToken) => await ResetAsync();

    public async ValueTask DisposeAsync() => await ResetAsync();

    private async Task ResetAsync()
    {
        if (_run is null)
        {
            return;
        }

        await _cancel!.CancelAsync();
        try
        {
            await _run;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SpeechRecognitionException)
        {
            // dropped with the utterance
        }

        _cancel.Dispose();
        _audio!.Dispose();
        _run = null;
        _audio = null;
        _cancel = null;
        _task = null;
    }

    /// <summary>A transcription task lost to the network or a service error may succeed when the utterance is replayed.</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is NlsTaskException { Retryable: true } or NlsTokenException { Retryable: true };

    private async Task<SpeechHypothesis> RecognizeAsync(UtteranceAudio audio, CancellationToken cancellationToken)
    {
        var tokenRefreshed = new StrongBox<bool>();
        try
        {
            return await owner.TranscriptionRetry.ExecuteAsync($"Session {request.SessionId}", cancel => TranscribeOnceAsync(audio, tokenRefreshed, cancel), cancellationToken);
        }
        catch (NlsTaskException ex)
        {
            throw AliyunSpeechToText.Failure($"Aliyun speech recognition failed: {ex.Message}", ex.Retryable, ex);
        }
        catch (NlsTokenException ex)
        {
            throw AliyunSpeechToText.Failure($"Aliyun speech recognition is unavailable: {ex.Message}", ex.Retryable, ex);
        }
    }

    /// <summary>One transcription task for the whole utterance, from its start. A rejected token is replaced once per
    /// utterance without using up a try: a stale token is not the service failing.</summary>
    private async Task<SpeechHypothesis> TranscribeOnceAsync(UtteranceAudio audio, StrongBox<bool> tokenRefreshed, CancellationToken cancellationToken)
    {
        var o = owner.Options;
        while (true)
        {
            var token = await owner.Tokens.GetAsync(cancellationToken);
            try
            {
                await using var task = await NlsTranscription.StartAsync(GatewayUri(o.GatewayEndpoint), token.Id, appKey, Payload(o.Stt), o.Stt.StepTimeout, cancellationToken);
                _task = task;
                await SendAsync(task, audio, cancellationToken);
                await task.StopAsync(cancellationToken);
                return new SpeechHypothesis(task.Text(_separator), Words(task));
            }
            catch (NlsTaskException ex) when (ex.TokenProblem && !tokenRefreshed.Value)
            {
                owner.Tokens.Invalidate(token);
                tokenRefreshed.Value = true;
                owner.Logger.LogInformation("Session {SessionId}: NLS rejected the token ({Status}); retrying with a fresh one", request.SessionId, ex.Status);
            }
            catch (NlsTaskException ex) when (ex.Status == NlsStatus.NoValidAudio)
            {
                return new SpeechHypothesis(""); // nothing speech-like: the pipeline reports no-speech
            }
            finally
            {
                _task = null;
            }
        }
    }

    /// <summary>Streams the utterance in frames of <c>FrameDuration</c>, never faster than <c>SendSpeed</c> × real
    /// time, waiting for more audio until the utterance is complete. Always from the start: a replay resends it all.</summary>
    private async Task SendAsync(NlsTranscription task, UtteranceAudio audio, CancellationToken cancellationToken)
    {
        var o = owner.Options.Stt;
        var frameBytes = (int)(o.FrameDuration.TotalSeconds * BytesPerSecond) & ~1;
        var interval = o.FrameDuration / o.SendSpeed;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, task.Failed);
        var frame = ArrayPool<byte>.Shared.Rent(frameBytes); // one buffer for every frame: each send is awaited
        var sent = 0;
        long? last = null;
        try
        {
            while (true)
            {
                var available = audio.Length;
                var complete = audio.IsComplete;
                if (available - sent >= frameBytes || (complete && available > sent))
                {
                    if (last is { } previous && owner.Time.GetElapsedTime(previous) is var since && since < interval)
                    {
                        await Task.Delay(interval - since, owner.Time, linked.Token);
                    }

                    var count = Math.Min(frameBytes, available - sent);
                    audio.CopyTo(sent, frame.AsSpan(0, count));
                    await task.SendAudioAsync(frame.AsMemory(0, count), linked.Token);
                    last = owner.Time.GetTimestamp();
                    sent += count;
                }
                else if (complete)
                {
                    return;
                }
                else
                {
                    await audio.WaitForChangeAsync(available, linked.Token);
                }
            }
        }
        catch (OperationCanceledException) when (task.Failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await task.StopAsync(cancellationToken); // rethrows the task's failure
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static StartTranscriptionPayload Payload(AliyunSttOptions o) => new(
        "pcm", 16000, EnableIntermediateResult: true, o.EnablePunctuation, o.EnableInverseTextNormalization, o.EnableWords,
        (int)o.MaxSentenceSilence.TotalMilliseconds);

    private static IReadOnlyList<WordTiming>? Words(NlsTranscription task)
    {
        var words = task.Words();
        return words.Count == 0 ? null : [.. words.Select(w => new WordTiming(w.Text, w.StartTime, w.EndTime))];
    }

    internal static Uri GatewayUri(Uri gateway)
    {
        var builder = new UriBuilder(gateway) { Path = "/ws/v1", Query = "" };
        builder.Scheme = gateway.Scheme == Uri.UriSchemeHttp ? "ws" : gateway.Scheme == Uri.UriSchemeHttps ? "wss" : gateway.Scheme;
        return builder.Uri;
    }
}
