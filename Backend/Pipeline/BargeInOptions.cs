using Microsoft.Extensions.Options;

namespace RoleplayHub.Pipeline;

/// <summary>
/// How a server-vad session's trainee cuts in on the persona (docs/turn-taking.md). Bound from <c>BargeIn</c>.
/// Speech heard while the persona holds the floor interrupts it at once; what the trainee then said decides whether
/// the interruption stands or the persona resumes.
/// </summary>
public sealed class BargeInOptions
{
    public const string Section = "BargeIn";

    /// <summary>Utterances made only of these words (case-insensitive, punctuation ignored) are backchannels: the
    /// persona resumes, and they do not become a turn.</summary>
    public List<string> Backchannels { get; set; } = ["mhm", "mm", "hmm", "uh-huh", "yeah", "yes", "yep", "ok", "okay", "right", "sure", "嗯", "对", "好", "是"];

    /// <summary>No word recognised this long after an interruption: it was a false one (a cough, a door), and the
    /// persona resumes.</summary>
    public TimeSpan FalseInterruptionTimeout { get; set; } = TimeSpan.FromSeconds(1.5);
}

public sealed class ValidateBargeInOptions : IValidateOptions<BargeInOptions>
{
    public ValidateOptionsResult Validate(string? name, BargeInOptions o) =>
        o.FalseInterruptionTimeout > TimeSpan.Zero && o.FalseInterruptionTimeout <= TimeSpan.FromSeconds(10)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"BargeIn:FalseInterruptionTimeout must be above 0 and at most 00:00:10; got {o.FalseInterruptionTimeout}.");
}
