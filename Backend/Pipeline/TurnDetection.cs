using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;

namespace RoleplayHub.Pipeline;

/// <summary>What a client asked for in <c>start-session</c>'s <c>turnDetection</c>; a null field takes its default.</summary>
public sealed record TurnDetectionRequest(string? Type, string? Detector, double? Threshold, int? PrefixPaddingMs, int? SilenceMs, string? Eagerness = null);

/// <summary>
/// How a session's turns end. <c>none</c>: when the client commits, when its chunks stop for <c>Sessions:FlushIdle</c>,
/// or at the longest utterance. <c>server-vad</c>: also when the server hears the speaker stop — speech starts when a
/// window's probability reaches <see cref="Threshold"/> (reported <see cref="PrefixPaddingMs"/> earlier) and stops
/// after <see cref="SilenceMs"/> below it. The shape and defaults follow OpenAI Realtime's <c>server_vad</c>.
/// <c>semantic-vad</c>, after OpenAI's <c>semantic_vad</c>: the same detection, but the words decide how long the
/// silence must be — <see cref="SilenceMs"/> after words that sound finished, <see cref="UnfinishedSilenceMs"/> after
/// words that leave the sentence open ("and", "the", "because"…), both set by <see cref="Eagerness"/>.
/// </summary>
public sealed record TurnDetection(string Type, string? Detector, float? Threshold, int? PrefixPaddingMs, int? SilenceMs,
    string? Eagerness = null, int? UnfinishedSilenceMs = null)
{
    public const string ServerVad = "server-vad";
    public const string SemanticVad = "semantic-vad";
    public const string None = "none";

    /// <summary>semantic-vad's eagerness → (silence after finished words, after unfinished ones). LiveKit waits
    /// 0.3–0.5 s when its turn model finds the turn likely over, OpenAI's semantic_vad up to 2/4/8 s (high/medium/low)
    /// when not; a word list is a weaker judge than those models, so the short waits stay above Pipecat's 0.2 s.</summary>
    private static readonly Dictionary<string, (int Finished, int Unfinished)> Eagernesses = new()
    {
        ["high"] = (250, 1_000),
        ["medium"] = (300, 2_000),
        ["auto"] = (300, 2_000),
        ["low"] = (500, 4_000),
    };
    public const int DefaultPrefixPaddingMs = 300;
    public const int DefaultSilenceMs = 500;
    public const int MaxPrefixPaddingMs = 1_000;
    public const int MinSilenceMs = 100;
    public const int MaxSilenceMs = 5_000;

    /// <summary>The client ends its turns (commit, idle flush): the default.</summary>
    public static TurnDetection Off { get; } = new(None, null, null, null, null);

    /// <summary>The server hears when the speaker stops (server-vad or semantic-vad).</summary>
    public bool IsServerVad => Type is ServerVad or SemanticVad;

    public bool IsSemantic => Type == SemanticVad;

    /// <summary>The settings <paramref name="request"/> asks for with the defaults filled in, or the reason they cannot
    /// be used.</summary>
    public static TurnDetection? Resolve(TurnDetectionRequest? request, VoiceDetectors detectors, out ClientError error)
    {
        error = default;
        var type = request?.Type?.Trim().ToLowerInvariant() ?? None;
        if (type == None)
        {
            return request is { Detector: null, Threshold: null, PrefixPaddingMs: null, SilenceMs: null, Eagerness: null } or null
                ? Off
                : Fail(out error, ClientError.InvalidRequest("turnDetection.type 'none' takes no other settings; use 'server-vad' to set them."));
        }

        if (type is not (ServerVad or SemanticVad))
        {
            return Fail(out error, new ClientError(ErrorCodes.UnsupportedTurnDetection,
                $"turnDetection.type {ClientError.Echo(request!.Type)} is not supported; use 'server-vad', 'semantic-vad' or 'none'.", false));
        }

        var kind = detectors.Default;
        if (request!.Detector is { } name && !detectors.TryGet(name.Trim(), out kind))
        {
            return Fail(out error, new ClientError(ErrorCodes.UnsupportedTurnDetection,
                $"turnDetection.detector {ClientError.Echo(name)} is not known; use one of: {string.Join(", ", detectors.Names)}.", false));
        }

        if (kind.Unavailable is { } why)
        {
            return Fail(out error, new ClientError(ErrorCodes.UnsupportedTurnDetection, $"The '{kind.Name}' voice detector is unavailable on this server: {why}", false));
        }

        if (request.Threshold is { } t && !(t > 0 && t < 1))
        {
            return Fail(out error, ClientError.InvalidRequest($"turnDetection.threshold must be between 0 and 1 (exclusive); got {t}."));
        }

        if (request.PrefixPaddingMs is { } p && p is < 0 or > MaxPrefixPaddingMs)
        {
            return Fail(out error, ClientError.InvalidRequest($"turnDetection.prefixPaddingMs must be 0–{MaxPrefixPaddingMs}; got {p}."));
        }

        if (request.SilenceMs is { } s && s is < MinSilenceMs or > MaxSilenceMs)
        {
            return Fail(out error, ClientError.InvalidRequest($"turnDetection.silenceMs must be {MinSilenceMs}–{MaxSilenceMs}; got {s}."));
        }

        var threshold = (float?)request.Threshold ?? kind.DefaultThreshold;
        var prefix = request.PrefixPaddingMs ?? DefaultPrefixPaddingMs;
        if (type == ServerVad)
        {
            return request.Eagerness is null
                ? new TurnDetection(ServerVad, kind.Name, threshold, prefix, request.SilenceMs ?? DefaultSilenceMs)
                : Fail(out error, ClientError.InvalidRequest("turnDetection.eagerness belongs to 'semantic-vad'; 'server-vad' takes silenceMs."));
        }

        if (request.SilenceMs is not null)
        {
            return Fail(out error, ClientError.InvalidRequest("turnDetection.silenceMs belongs to 'server-vad'; 'semantic-vad' takes eagerness (low, medium, high, auto)."));
        }

        var eagerness = request.Eagerness?.Trim().ToLowerInvariant() ?? "auto";
        return Eagernesses.TryGetValue(eagerness, out var waits)
            ? new TurnDetection(SemanticVad, kind.Name, threshold, prefix, waits.Finished, eagerness, waits.Unfinished)
            : Fail(out error, ClientError.InvalidRequest($"turnDetection.eagerness {ClientError.Echo(request.Eagerness)} is not known; use low, medium, high or auto."));
    }

    private static TurnDetection? Fail(out ClientError error, ClientError reason)
    {
        error = reason;
        return null;
    }
}
