using Microsoft.Extensions.Options;
using Polly;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Resilience;

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
    ILogger<AliyunAvatarSpeech> logger) : IAvatarSpeech, ICloudProvider
{
    private readonly ResiliencePipeline _retry = CloudRetry.Create("NLS TTS", options.Value.Tts.Attempts, NlsRest.IsTransient, time, logger);

    public string Name => ProviderNames.Aliyun;

    public bool Supports(string language) => AliyunLanguages.All.Contains(language, StringComparer.OrdinalIgnoreCase);

    public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var appKey = o.AppKeyFor(request.Language)
            ?? throw new SpeechSynthesisException($"Aliyun:AppKeys:{request.Language} is not configured.", retryable: false);
        var voice = request.Voice.For(Name) is { } own && !string.IsNullOrWhiteSpace(own) ? own : o.Tts.DefaultVoice;
        var parts = new List<byte[]>();
        foreach (var text in TtsTextSplitter.Split(request.Text, o.Tts.MaxCharacters))
        {
            parts.Add(await SynthesizePartAsync(appKey, voice, text, cancellationToken));
        }

        var wav = PcmClip.Wav(parts, o.Tts.SampleRate);
        var pcm = wav.AsSpan(Audio.WavFile.HeaderSize);
        var duration = TimeSpan.FromSeconds(pcm.Length / 2.0 / o.Tts.SampleRate);
        return new AvatarClip(wav, "audio/wav", "wav", duration, Tts.LoudnessVisemes.FromPcm16(pcm, o.Tts.SampleRate));
    }

    private async Task<byte[]> SynthesizePartAsync(string appKey, string voice, string text, CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            return await NlsRest.CallAsync(tokens, _retry, "TTS", async (token, cancel) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(o.RequestTimeout);
                var body = new NlsTtsRequest(appKey, text, token.Id, o.Tts.Format, o.Tts.SampleRate, voice, o.Tts.Volume, o.Tts.SpeechRate, o.Tts.PitchRate);
                using var response = await http.PostAsJsonAsync(new Uri(o.GatewayEndpoint, "/stream/v1/tts"), body, timeout.Token);
                if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType is { } type && type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
                {
                    var audio = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    try
                    {
                        return NlsReply<byte[]>.Success(PcmClip.Samples(audio, o.Tts.Format, o.Tts.SampleRate));
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new SpeechSynthesisException($"Aliyun TTS sent audio that could not be read: {ex.Message}", retryable: true, ex);
                    }
                }

                var error = await NlsRest.ReadResultAsync(response, timeout.Token);
                var status = error?.Status ?? (int)response.StatusCode;
                var message = NlsTranscription.Redact(error?.Message ?? response.ReasonPhrase ?? "");
                var requestId = response.Headers.TryGetValues("X-NLS-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                return NlsReply<byte[]>.Failed(
                    $"NLS TTS returned {status} (HTTP {(int)response.StatusCode}, task {requestId ?? error?.TaskId ?? "?"}): {message}",
                    status, (int)response.StatusCode, message);
            }, cancellationToken);
        }
        catch (NlsCallException ex)
        {
            throw new SpeechSynthesisException($"Aliyun speech synthesis failed: {ex.Message}", ex.Retryable,
                ex.Retryable ? new ProviderOutageException(Name, ex.Message) : null);
        }
    }
}
