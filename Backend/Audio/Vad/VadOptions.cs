using Microsoft.Extensions.Options;

namespace RoleplayHub.Audio.Vad;

/// <summary>Server voice activity detection. Bound from <c>Vad</c>.</summary>
public sealed class VadOptions
{
    public const string Section = "Vad";

    /// <summary>The detector a session gets when its <c>turnDetection</c> names none: <c>energy</c> or <c>silero</c>.</summary>
    public string DefaultDetector { get; set; } = EnergyDetectorKind.DetectorName;

    /// <summary>The Silero VAD v5 ONNX model, relative to the application's folder (the build copies it there from
    /// <c>models/</c>, where <c>scripts/setup.sh runtime</c> installs it) or absolute.</summary>
    public string SileroModel { get; set; } = "models/silero_vad.onnx";

    internal string SileroModelPath => Path.GetFullPath(SileroModel, AppContext.BaseDirectory);
}

/// <summary>A misspelt detector name stops the start; a missing model does not (the check <c>vad:silero</c> reports it).
/// The names are the kinds' constants, not the registered kinds: Silero's kind needs these options to find its model.</summary>
public sealed class ValidateVadOptions : IValidateOptions<VadOptions>
{
    private static readonly string[] Names = [EnergyDetectorKind.DetectorName, SileroDetectorKind.DetectorName];

    public ValidateOptionsResult Validate(string? name, VadOptions o)
    {
        var errors = new List<string>();
        if (!Names.Contains(o.DefaultDetector, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"Vad:DefaultDetector '{o.DefaultDetector}' is not a detector; use one of: {string.Join(", ", Names)}.");
        }

        if (string.IsNullOrWhiteSpace(o.SileroModel))
        {
            errors.Add("Vad:SileroModel must name the Silero VAD model file (default models/silero_vad.onnx).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
