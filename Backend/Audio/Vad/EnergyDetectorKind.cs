namespace RoleplayHub.Audio.Vad;

/// <summary>The <c>energy</c> detector: always available, nothing to load.</summary>
public sealed class EnergyDetectorKind : IVoiceDetectorKind
{
    public const string DetectorName = "energy";

    public string Name => DetectorName;

    /// <summary>Even odds: a window <see cref="EnergyVoiceDetector.MarginDb"/> above the noise floor.</summary>
    public float DefaultThreshold => 0.5f;

    public string? Unavailable => null;

    public IVoiceDetector Create() => new EnergyVoiceDetector();
}
