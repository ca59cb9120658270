using Microsoft.Extensions.Options;

namespace RoleplayHub.Resilience.Faults;

/// <summary>
/// Fault injection for resilience trials, never for production: with <see cref="Rate"/> above 0 every provider call
/// (speech to text, the AI, the avatar's voice, the media store) fails in one of <see cref="Kinds"/> with that
/// probability, drawn from one generator seeded with <see cref="Seed"/> so a run can be repeated. Bound from
/// <c>Faults</c>; off by default.
/// </summary>
public sealed class FaultOptions
{
    public const string Section = "Faults";

    /// <summary>Share of calls that fail, 0 (off) to 1.</summary>
    public double Rate { get; set; }

    /// <summary>What may happen: <c>delay</c> (the call succeeds late), <c>error</c> (a retryable provider failure),
    /// <c>timeout</c> (<see cref="Timeout"/> of silence, then a retryable failure), <c>drop</c> (a stream breaks
    /// midway), <c>partial</c> (a stream ends early without saying so). Empty: all of them.</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>Which providers: <c>stt</c>, <c>ai</c>, <c>tts</c>, <c>media</c>. Empty: all of them.</summary>
    public List<string> Stages { get; set; } = [];

    public int Seed { get; set; } = 1;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => Rate > 0;
}

public sealed class ValidateFaultOptions : IValidateOptions<FaultOptions>
{
    public static readonly string[] AllKinds = ["delay", "error", "timeout", "drop", "partial"];
    public static readonly string[] AllStages = ["stt", "ai", "tts", "media"];

    public ValidateOptionsResult Validate(string? name, FaultOptions o)
    {
        var errors = new List<string>();
        if (o.Rate is < 0 or > 1 || double.IsNaN(o.Rate))
        {
            errors.Add($"Faults:Rate must be between 0 and 1 (was {o.Rate}).");
        }

        errors.AddRange(o.Kinds.Where(k => !AllKinds.Contains(k)).Select(k => $"Faults:Kinds: '{k}' is not one of {string.Join(", ", AllKinds)}."));
        errors.AddRange(o.Stages.Where(s => !AllStages.Contains(s)).Select(s => $"Faults:Stages: '{s}' is not one of {string.Join(", ", AllStages)}."));
        if (o.Delay < TimeSpan.Zero || o.Timeout <= TimeSpan.Zero)
        {
            errors.Add("Faults:Delay must not be negative and Faults:Timeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
