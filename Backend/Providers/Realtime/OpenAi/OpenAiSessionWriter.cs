using System.Text.Json;

namespace RoleplayHub.Providers.Realtime.OpenAi;

/// <summary>
/// Writes the configuration messages: <c>session.update</c> in the GA shape (<c>type: realtime</c>, nested
/// <c>audio.input</c>/<c>audio.output</c>, <c>output_modalities</c>) or the beta shape (flat <c>modalities</c>,
/// <c>input_audio_format</c>, <c>turn_detection</c>), and the history as <c>conversation.item.create</c> messages.
/// </summary>
internal static class OpenAiSessionWriter
{
    public static void SessionUpdate(Utf8JsonWriter w, (OpenAiDialect Dialect, RealtimeProfileOptions Profile, RealtimeSessionSetup Setup) s)
    {
        var (dialect, profile, setup) = s;
        w.WriteStartObject();
        w.WriteString("type", "session.update");
        Timestamp(w, dialect);
        w.WriteStartObject("session");
        w.WriteString("instructions", setup.Instructions);
        var voice = setup.Voice ?? profile.Voice;
        var transcription = profile.TranscriptionModel ?? dialect.DefaultTranscriptionModel;
        if (dialect.Ga)
        {
            w.WriteString("type", "realtime");
            w.WriteStartArray("output_modalities");
            w.WriteStringValue("audio");
            w.WriteEndArray();
            w.WriteStartObject("audio");
            w.WriteStartObject("input");
            Format(w, dialect.InputFormat, dialect.InputSampleRate);
            Transcription(w, "transcription", transcription, setup.Language);
            TurnDetection(w, dialect, setup.TurnDetection);
            w.WriteEndObject();
            w.WriteStartObject("output");
            Format(w, dialect.OutputFormat, dialect.OutputSampleRate);
            if (voice is not null)
            {
                w.WriteString("voice", voice);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartArray("modalities");
            w.WriteStringValue("text");
            w.WriteStringValue("audio");
            w.WriteEndArray();
            if (voice is not null)
            {
                w.WriteString("voice", voice);
            }

            w.WriteString("input_audio_format", dialect.InputFormat);
            w.WriteString("output_audio_format", dialect.OutputFormat);
            Transcription(w, "input_audio_transcription", transcription, setup.Language);
            TurnDetection(w, dialect, setup.TurnDetection);
            if (dialect.Vendor == RealtimeVendors.Glm)
            {
                // GLM's own switches: spoken chat (not video), end-to-end speech from the model itself.
                w.WriteStartObject("beta_fields");
                w.WriteString("chat_mode", "audio");
                w.WriteString("tts_source", "e2e");
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void HistoryItem(Utf8JsonWriter w, (OpenAiDialect Dialect, RealtimeHistoryItem Item) s)
    {
        w.WriteStartObject();
        w.WriteString("type", "conversation.item.create");
        Timestamp(w, s.Dialect);
        w.WriteStartObject("item");
        w.WriteString("type", "message");
        var user = s.Item.Role == RealtimeRole.User;
        w.WriteString("role", user ? "user" : "assistant");
        w.WriteStartArray("content");
        w.WriteStartObject();
        // GA names an assistant's text output_text; the beta protocol calls it text.
        w.WriteString("type", user ? "input_text" : s.Dialect.Ga ? "output_text" : "text");
        w.WriteString("text", s.Item.Text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>GLM's common field: the client's clock in milliseconds on every event.</summary>
    public static void Timestamp(Utf8JsonWriter w, OpenAiDialect dialect)
    {
        if (dialect.ClientTimestamp)
        {
            w.WriteNumber("client_timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }

    private static void Format(Utf8JsonWriter w, string type, int rate)
    {
        w.WriteStartObject("format");
        w.WriteString("type", type);
        w.WriteNumber("rate", rate);
        w.WriteEndObject();
    }

    private static void Transcription(Utf8JsonWriter w, string name, string? model, string language)
    {
        if (model is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("model", model);
        var dash = language.IndexOf('-');
        w.WriteString("language", (dash > 0 ? language[..dash] : language).ToLowerInvariant()); // ISO-639-1: en, zh
        w.WriteEndObject();
    }

    private static void TurnDetection(Utf8JsonWriter w, OpenAiDialect dialect, RealtimeTurnDetection td)
    {
        if (!td.VendorDetectsSpeech)
        {
            if (dialect.Vendor == RealtimeVendors.Glm)
            {
                w.WriteStartObject("turn_detection");
                w.WriteString("type", "client_vad"); // GLM's default, spelled out
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("turn_detection"); // null = manual commit
            }

            return;
        }

        w.WriteStartObject("turn_detection");
        w.WriteString("type", "server_vad");
        w.WriteNumber("threshold", td.Threshold);
        w.WriteNumber("prefix_padding_ms", td.PrefixPaddingMs);
        w.WriteNumber("silence_duration_ms", td.SilenceMs);
        if (dialect.Ga)
        {
            w.WriteBoolean("create_response", true);
            w.WriteBoolean("interrupt_response", true);
        }

        w.WriteEndObject();
    }
}
