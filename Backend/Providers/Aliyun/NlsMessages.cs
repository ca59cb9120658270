using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoleplayHub.Providers.Aliyun;

/// <summary>The NLS WebSocket envelope (../shared/docs/aliyun-protocols.md §3.2–3.4). Client directives carry an
/// <c>appkey</c>; server events carry <c>status</c> and <c>status_text</c> (TTS: <c>status_message</c>).</summary>
public sealed record NlsHeader
{
    [JsonPropertyName("message_id")]
    public string MessageId { get; init; } = NewId();

    [JsonPropertyName("task_id")]
    public required string TaskId { get; init; }

    [JsonPropertyName("namespace")]
    public required string Namespace { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("appkey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AppKey { get; init; }

    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; init; }

    [JsonPropertyName("status_text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StatusText { get; init; }

    [JsonPropertyName("status_message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StatusMessage { get; init; }

    /// <summary>32 lowercase hex digits: a UUID v4 without dashes, as every SDK sends.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}

public sealed record NlsMessage(
    [property: JsonPropertyName("header")] NlsHeader Header,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Payload = null,
    [property: JsonPropertyName("context"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Context = null);

/// <summary>StartTranscription's payload (the fields we use).</summary>
public sealed record StartTranscriptionPayload(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("sample_rate")] int SampleRate,
    [property: JsonPropertyName("enable_intermediate_result")] bool EnableIntermediateResult,
    [property: JsonPropertyName("enable_punctuation_prediction")] bool EnablePunctuationPrediction,
    [property: JsonPropertyName("enable_inverse_text_normalization")] bool EnableInverseTextNormalization,
    [property: JsonPropertyName("enable_words")] bool EnableWords,
    [property: JsonPropertyName("max_sentence_silence")] int MaxSentenceSilence);

/// <summary>The payload of <c>SentenceBegin</c>, <c>TranscriptionResultChanged</c> and <c>SentenceEnd</c>.</summary>
public sealed record SentencePayload(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("time")] int Time,
    [property: JsonPropertyName("begin_time")] int BeginTime,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("words")] IReadOnlyList<NlsWord>? Words);

/// <summary>A word with its times in ms; note the camelCase keys, unlike the rest of the protocol.</summary>
public sealed record NlsWord(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("startTime")] int StartTime,
    [property: JsonPropertyName("endTime")] int EndTime);

/// <summary>The REST reply of <c>/stream/v1/asr</c>, and the error body of <c>/stream/v1/tts</c>.</summary>
public sealed record NlsRestResult(
    [property: JsonPropertyName("task_id")] string? TaskId,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>The REST TTS request body (POST, JSON; the text is not URL-encoded).</summary>
public sealed record NlsTtsRequest(
    [property: JsonPropertyName("appkey")] string AppKey,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("sample_rate")] int SampleRate,
    [property: JsonPropertyName("voice")] string Voice,
    [property: JsonPropertyName("volume")] int Volume,
    [property: JsonPropertyName("speech_rate")] int SpeechRate,
    [property: JsonPropertyName("pitch_rate")] int PitchRate);
