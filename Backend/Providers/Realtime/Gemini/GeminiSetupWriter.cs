using System.Text.Json;

namespace RoleplayHub.Providers.Realtime.Gemini;

/// <summary>Writes Gemini Live's first message, <c>setup</c> (model, audio reply with voice and language, persona,
/// VAD, both transcriptions, session resumption), and the history as <c>clientContent</c> turns.</summary>
internal static class GeminiSetupWriter
{
    public static void Setup(Utf8JsonWriter w, (RealtimeProfileOptions Profile, RealtimeSessionSetup Setup) s)
    {
        var (profile, setup) = s;
        w.WriteStartObject();
        w.WriteStartObject("setup");
        var model = profile.Model ?? "";
        w.WriteString("model", model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model);

        w.WriteStartObject("generationConfig");
        w.WriteStartArray("responseModalities");
        w.WriteStringValue("AUDIO");
        w.WriteEndArray();
        w.WriteStartObject("speechConfig");
        if ((setup.Voice ?? profile.Voice) is { } voice)
        {
            w.WriteStartObject("voiceConfig");
            w.WriteStartObject("prebuiltVoiceConfig");
            w.WriteString("voiceName", voice);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteString("languageCode", setup.Language);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("systemInstruction");
        w.WriteStartArray("parts");
        w.WriteStartObject();
        w.WriteString("text", setup.Instructions);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("realtimeInputConfig");
        w.WriteStartObject("automaticActivityDetection");
        var td = setup.TurnDetection;
        w.WriteBoolean("disabled", !td.VendorDetectsSpeech);
        if (td.VendorDetectsSpeech)
        {
            w.WriteNumber("prefixPaddingMs", td.PrefixPaddingMs);
            w.WriteNumber("silenceDurationMs", td.SilenceMs);
        }

        w.WriteEndObject();
        w.WriteString("activityHandling", "START_OF_ACTIVITY_INTERRUPTS"); // barge-in: the model stops when the user speaks
        w.WriteEndObject();

        w.WriteStartObject("inputAudioTranscription");
        w.WriteEndObject();
        w.WriteStartObject("outputAudioTranscription");
        w.WriteEndObject();

        // Always ask for resumption handles, so a goAway can be followed by a reconnect that continues the session.
        w.WriteStartObject("sessionResumption");
        if (setup.ResumptionHandle is { } handle)
        {
            w.WriteString("handle", handle);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Earlier exchanges as context; <c>turnComplete: false</c> so the model does not answer them.</summary>
    public static void History(Utf8JsonWriter w, IReadOnlyList<RealtimeHistoryItem> history)
    {
        w.WriteStartObject();
        w.WriteStartObject("clientContent");
        w.WriteStartArray("turns");
        foreach (var item in history)
        {
            w.WriteStartObject();
            w.WriteString("role", item.Role == RealtimeRole.User ? "user" : "model");
            w.WriteStartArray("parts");
            w.WriteStartObject();
            w.WriteString("text", item.Text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("turnComplete", false);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
