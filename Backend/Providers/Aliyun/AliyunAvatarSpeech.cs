using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Tts;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// The avatar's voice from Alibaba Cloud NLS REST TTS (<c>POST /stream/v1/tts</c>, ../shared/docs/aliyun-protocols.md
/// §4.1) in the persona's <c>voice.aliyun</c>: 16 kHz PCM, text split under the 300-character limit at sentence
/// boundaries, the parts joined into one WAV clip with its real duration. Visemes are approximated from loudness.
/// </summary>
public sealed class AliyunAvatarSpeech(
    NlsTokenProvider tokens,
    HttpClient http,
    IOptions<AliyunOptions> options,
    TimeProvider time,
    ILogger<AliyunAvatarSpeech> logger) : IAvatarSpeech
{
    public string Name => ValidateAliyunOptions.ProviderName;

    public bool Supports(string language) => AliyunLanguages.All.Contains(language, StringComparer.OrdinalIgnoreCase);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var appKey = o.AppKeyFor(request.Language)
            ?? throw new SpeechSynthesisException($"Aliyun:AppKeys:{request.Language} is not configured.", retryable: false);
        var voice = string.IsNullOrWhiteSpace(request.Voice.Aliyun) ? o.Tts.DefaultVoice : request.Voice.Aliyun;
        var parts = new List<byte[]>();
        foreach (var text in TtsTextSplitter.Split(request.Text, o.Tts.MaxCharacters))
        {
            parts.Add(await SynthesizePartAsync(appKey, voice, text, cancellationToken));
        }

        var wav = PcmClip.Wav(parts, o.Tts.SampleRate);
        var pcm = wav.AsSpan(Audio.WavFile.HeaderSize);
        var duration = TimeSpan.FromSeconds(pcm.Length / 2.0 / o.Tts.SampleRate);
        return new AvatarClip(wav, "audio/wav", "wav", duration, PcmClip.Visemes(pcm, o.Tts.SampleRate));
    }

    private async Task<byte[]> SynthesizePartAsync(string appKey, string voice, string text, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var tokenRefreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            bool retryable;
            try
            {
                var token = await tokens.GetAsync(cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(o.RequestTimeout);
                var body = new NlsTtsRequest(appKey, text, token.Id, o.Tts.Format, o.Tts.SampleRate, voice, o.Tts.Volume, o.Tts.SpeechRate, o.Tts.PitchRate);
                using var response = await http.PostAsJsonAsync(new Uri(o.GatewayEndpoint, "/stream/v1/tts"), body, timeout.Token);
                if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType is { } type && type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
                {
                    var audio = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    try
                    {
                        return PcmClip.Samples(audio, o.Tts.Format).ToArray();
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new SpeechSynthesisException($"Aliyun TTS sent audio that could not be read: {ex.Message}", retryable: true, ex);
                    }
                }

                var error = await ReadErrorAsync(response, timeout.Token);
                var status = error?.Status ?? (int)response.StatusCode;
                var message = NlsTranscription.Redact(error?.Message ?? response.ReasonPhrase ?? "");
                if (NlsStatus.IsTokenProblem(status, message) && !tokenRefreshed)
                {
                    tokens.Invalidate(token);
                    tokenRefreshed = true;
                    attempt--;
                    continue;
                }

                var requestId = response.Headers.TryGetValues("X-NLS-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                failure = $"NLS TTS returned {status} (HTTP {(int)response.StatusCode}, task {requestId ?? error?.TaskId ?? "?"}): {message}";
                retryable = NlsStatus.IsRetryable(status) || (int)response.StatusCode >= 500;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = $"the NLS gateway could not be reached: {ex.Message}";
                retryable = true;
            }
            catch (NlsTokenException ex)
            {
                failure = ex.Message;
                retryable = ex.Retryable;
            }

            if (!retryable || attempt >= o.Tts.Attempts)
            {
                throw new SpeechSynthesisException($"Aliyun speech synthesis failed: {failure}", retryable,
                    retryable ? new ProviderOutageException(Name, failure) : null);
            }

            logger.LogWarning("NLS TTS try {Attempt} failed ({Failure}); retrying", attempt, failure);
            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, cancellationToken);
        }
    }

    private static async Task<NlsRestResult?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<NlsRestResult>(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
