using Microsoft.Extensions.Options;
using Polly;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Resilience;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>
/// Cloud recognition with Alibaba Cloud NLS for zh-CN and en-US (one AppKey per language). In the default
/// <c>transcriber</c> mode each user utterance is one real-time <c>SpeechTranscriber</c> task streamed while the user
/// speaks, with partial results; in <c>rest</c> mode the utterance is sent whole to the one-sentence REST API at its
/// end. Sessions hold no connection between utterances, so there is no per-session limit here beyond the account's
/// concurrency (40000005 is retried).
/// </summary>
public sealed class AliyunSpeechToText(
    NlsTokenProvider tokens,
    HttpClient http,
    IOptions<AliyunOptions> options,
    TimeProvider time,
    ILogger<AliyunSpeechToText> logger) : ISpeechToText, ICloudProvider
{
    public string Name => ProviderNames.Aliyun;

    public IReadOnlyCollection<string> Languages => AliyunLanguages.All;

    internal NlsTokenProvider Tokens => tokens;

    internal HttpClient Http => http;

    internal AliyunOptions Options => options.Value;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    /// <summary>Retries of one-sentence REST recognition (<c>Aliyun:Stt:Attempts</c> tries).</summary>
    internal ResiliencePipeline RestRetry { get; } = CloudRetry.Create("NLS REST recognition", options.Value.Stt.Attempts, NlsRest.IsTransient, time, logger);

    /// <summary>Replays of a transcription task lost to the network or the service (<c>Aliyun:Stt:Attempts</c> tries).</summary>
    internal ResiliencePipeline TranscriptionRetry { get; } = CloudRetry.Create("NLS transcription", options.Value.Stt.Attempts, NlsTranscriberRecognizer.IsTransient, time, logger);

    public ISpeechRecognizer CreateRecognizer(RecognizerRequest request)
    {
        var appKey = options.Value.AppKeyFor(request.Language)
            ?? throw new SpeechCapacityException($"Aliyun:AppKeys:{request.Language} is not configured, so {request.Language} cannot be recognised by aliyun.");
        return options.Value.Stt.Mode == "rest"
            ? new NlsRestRecognizer(this, request, appKey)
            : new NlsTranscriberRecognizer(this, request, appKey);
    }

    /// <summary>Sentences are joined without a space in Chinese, with one elsewhere.</summary>
    internal static string SentenceSeparator(string language) =>
        language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "" : " ";

    /// <summary>The final exception for a failed utterance: retryable failures that survived every try are an
    /// outage (the fallback provider may take over).</summary>
    internal static SpeechRecognitionException Failure(string message, bool retryable, Exception inner) =>
        new(message, retryable, retryable ? new ProviderOutageException(ProviderNames.Aliyun, message, inner) : inner);
}
