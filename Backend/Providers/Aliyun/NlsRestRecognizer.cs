using System.Globalization;
using System.Net.Http.Headers;
using RoleplayHub.Core;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// One-sentence recognition over REST (<c>POST /stream/v1/asr</c>, ../shared/docs/aliyun-protocols.md §2): the
/// utterance is collected and sent whole at its end, for deployments that prefer one short HTTP request per turn to a
/// WebSocket. No partial results; at most 60 s of audio.
/// </summary>
internal sealed class NlsRestRecognizer(AliyunSpeechToText owner, RecognizerRequest request, string appKey) : ISpeechRecognizer
{
    private const int MaxBytes = 60 * AudioFormat.NormalizedBytesPerSecond; // the API takes at most 60 s

    private UtteranceAudio? _audio;

    public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        _audio ??= new UtteranceAudio();
        _audio.Append(pcm16.Span);
        return ValueTask.FromResult<SpeechHypothesis?>(null);
    }

    public async ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
    {
        if (_audio is null)
        {
            return new SpeechHypothesis("");
        }

        try
        {
            var pcm = _audio.ToArray();
            if (pcm.Length > MaxBytes)
            {
                throw new SpeechRecognitionException("The utterance is longer than the 60 s the one-sentence API takes; use Aliyun:Stt:Mode=transcriber.", retryable: false);
            }

            return new SpeechHypothesis(await RecognizeAsync(pcm, cancellationToken));
        }
        finally
        {
            _audio.Dispose();
            _audio = null;
        }
    }

    public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken)
    {
        _audio?.Dispose();
        _audio = null;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CancelUtteranceAsync(CancellationToken.None);

    private async Task<string> RecognizeAsync(byte[] pcm, CancellationToken cancellationToken)
    {
        var o = owner.Options;
        try
        {
            return await NlsRest.CallAsync(owner.Tokens, owner.RestRetry, $"Session {request.SessionId}", async (token, cancel) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(o.RequestTimeout + TimeSpan.FromSeconds(pcm.Length / (double)AudioFormat.NormalizedBytesPerSecond));
                using var message = new HttpRequestMessage(HttpMethod.Post, AsrUri(o.GatewayEndpoint))
                {
                    Content = new ByteArrayContent(pcm),
                };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                message.Headers.Add("X-NLS-Token", token.Id);
                using var response = await owner.Http.SendAsync(message, timeout.Token);
                var body = await NlsRest.ReadResultAsync(response, timeout.Token);
                if (body is { Status: NlsStatus.Success })
                {
                    return NlsReply<string>.Success(body.Result ?? "");
                }

                var status = body?.Status ?? (int)response.StatusCode;
                var text = NlsTranscription.Redact(body?.Message ?? response.ReasonPhrase ?? "");
                return NlsReply<string>.Failed($"NLS one-sentence recognition returned {status} (HTTP {(int)response.StatusCode}): {text}", status, (int)response.StatusCode, text);
            }, cancellationToken);
        }
        catch (NlsCallException ex)
        {
            throw AliyunSpeechToText.Failure($"Aliyun speech recognition failed: {ex.Message}", ex.Retryable, ex);
        }
    }

    private Uri AsrUri(Uri gateway) => new UriBuilder(gateway)
    {
        Path = "/stream/v1/asr",
        Query = string.Create(CultureInfo.InvariantCulture,
            $"appkey={Uri.EscapeDataString(appKey)}&format=pcm&sample_rate=16000&enable_punctuation_prediction={Bool(owner.Options.Stt.EnablePunctuation)}&enable_inverse_text_normalization={Bool(owner.Options.Stt.EnableInverseTextNormalization)}"),
    }.Uri;

    private static string Bool(bool value) => value ? "true" : "false";
}
