namespace RoleplayHub.Providers.Realtime;

/// <summary>What a conversation starts with.</summary>
/// <param name="Instructions">The persona prompt (system instructions).</param>
/// <param name="Language">BCP-47 tag of the conversation (<c>en-US</c>, <c>zh-CN</c>): input transcription language, Gemini's speech language.</param>
/// <param name="Voice">The vendor's voice name; null takes the profile's <c>Voice</c>, then the vendor's default.</param>
/// <param name="TurnDetection">Who ends the user's turns.</param>
/// <param name="History">Earlier exchanges, oldest first, re-seeded after an upstream reconnect (not for Gemini with a resumption handle).</param>
/// <param name="ResumptionHandle">Gemini: the last <see cref="ResumptionUpdate"/> handle, to continue the same session.</param>
public sealed record RealtimeSessionSetup(
    string Instructions,
    string Language,
    string? Voice,
    RealtimeTurnDetection TurnDetection,
    IReadOnlyList<RealtimeHistoryItem> History,
    string? ResumptionHandle = null);

/// <summary>Who ends the user's turns: the vendor's server VAD with these parameters, or the caller (<see cref="Manual"/>,
/// which commits with <see cref="IRealtimeConnection.CommitAsync"/>).</summary>
public sealed record RealtimeTurnDetection(bool VendorDetectsSpeech, double Threshold, int PrefixPaddingMs, int SilenceMs)
{
    /// <summary>Vendor VAD with OpenAI's defaults (0.5, 300 ms, 500 ms); Qwen's SDK uses 0.2 and 800 ms.</summary>
    public static RealtimeTurnDetection ServerVad(double threshold = 0.5, int prefixPaddingMs = 300, int silenceMs = 500) =>
        new(true, threshold, prefixPaddingMs, silenceMs);

    public static RealtimeTurnDetection Manual { get; } = new(false, 0, 0, 0);
}

public enum RealtimeRole
{
    User,
    Assistant,
}

/// <summary>One earlier message of the conversation, as text.</summary>
public sealed record RealtimeHistoryItem(RealtimeRole Role, string Text);
