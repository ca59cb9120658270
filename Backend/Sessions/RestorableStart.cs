using System.Text.Json;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>
/// What a session's start chose, as the session ran it — the engine it runs on (after any fallback), the model
/// profile, the audio declaration, idle flushing and the resolved turn detection — kept as JSON in its history row
/// (<c>resume_settings</c>), so another node can restore the session exactly if its node is lost. The scenario and the
/// language have columns of their own.
/// </summary>
public sealed record RestorableStart(string Engine, string? ModelProfile, string? Encoding, int? SampleRate, int? Channels, bool IdleFlush, TurnDetectionRequest TurnDetection)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RestorableStart Of(SessionIdentity identity, StartRequest request) => new(identity.Engine, identity.ModelProfile,
        request.Encoding, request.SampleRate, request.Channels, identity.IdleFlush,
        new TurnDetectionRequest(identity.TurnDetection.Type, identity.TurnDetection.Detector, identity.TurnDetection.Threshold,
            identity.TurnDetection.PrefixPaddingMs, identity.TurnDetection.IsSemantic ? null : identity.TurnDetection.SilenceMs, identity.TurnDetection.Eagerness));
    // semantic-vad's silences follow from its eagerness, and asking for them again is refused.

    /// <summary>Null when the text is not one this version wrote (a restore is then not attempted).</summary>
    public static RestorableStart? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<RestorableStart>(json, Json) is { Engine: not null, TurnDetection: not null } start ? start : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The start request that opens the same session again.</summary>
    public StartRequest ToRequest(string sessionId, string scenarioId, string language, long lastSeq) => new(sessionId, scenarioId, language,
        Encoding is not null || SampleRate is not null || Channels is not null, Encoding, SampleRate, Channels, lastSeq, ModelProfile, IdleFlush, TurnDetection, Engine);
}
