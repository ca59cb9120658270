namespace RoleplayHub.Pipeline;

/// <summary>
/// What the pipeline does with an utterance before a recogniser hears it. Bound from the <c>Stt</c> section, whose
/// provider choice (<c>Stt:Provider</c>, <c>Stt:ByLanguage:*</c>, <c>Stt:Fallback</c>) is the provider catalog's
/// (<c>Providers.SttProviderOptions</c>).
/// </summary>
public sealed class SttOptions
{
    public const string Section = "Stt";

    /// <summary>Speech quieter than this peak level (dBFS) is treated as silence and not sent to the recogniser.</summary>
    public double SilencePeakDbfs { get; set; } = -45;

    /// <summary>More than this fraction of samples at full scale is reported as clipping.</summary>
    public double ClippingRatio { get; set; } = 0.01;
}

/// <summary>
/// How the pipeline cuts a reply for the voice. Bound from the <c>Tts</c> section, whose provider choice is the
/// provider catalog's (<c>Providers.TtsProviderOptions</c>).
/// </summary>
public sealed class TtsOptions
{
    public const string Section = "Tts";

    /// <summary>Replies are spoken sentence by sentence; sentences shorter than this are merged with the next.</summary>
    public int MinSegmentChars { get; set; } = 24;
}
