namespace RoleplayHub.Audio.Vad;

/// <summary>The <c>silero</c> detector: available once its model is installed and loads.</summary>
public sealed class SileroDetectorKind(SileroModel model) : IVoiceDetectorKind
{
    public const string DetectorName = "silero";

    public string Name => DetectorName;

    /// <summary>Silero's own recommended threshold.</summary>
    public float DefaultThreshold => 0.5f;

    public string? Unavailable => model.Unavailable;

    public IVoiceDetector Create() => new SileroVoiceDetector(model);
}
