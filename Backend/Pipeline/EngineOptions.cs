using Microsoft.Extensions.Options;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Which engine runs a session (docs/providers.md, "Realtime speech-to-speech models"). Bound from <c>Engine</c>.
/// <c>cascaded</c> is recognition → the AI → the avatar's voice; <c>realtime:&lt;profile&gt;</c> is a realtime
/// speech-to-speech model of <c>Realtime:Profiles</c>. A session's <c>start-session.engine</c> wins, then the
/// scenario's entry in <see cref="ByScenario"/>, then <see cref="Default"/>.
/// </summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    public string Default { get; set; } = CascadedWorkerPlan.Name;

    /// <summary>Scenario id → engine, for drills that should run on a realtime model by default.</summary>
    public Dictionary<string, string> ByScenario { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Every engine the settings name must exist: a realtime profile that is not configured stops the start.</summary>
public sealed class ValidateEngineOptions(IRealtimeModels realtime) : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions o)
    {
        var errors = new List<string>();
        foreach (var (key, engine) in o.ByScenario.Select(p => ($"Engine:ByScenario:{p.Key}", p.Value)).Prepend(("Engine:Default", o.Default)))
        {
            if (!TurnEngine.TryParse(engine, realtime, out _, out var why))
            {
                errors.Add($"{key}: {why}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>An engine name, checked: <c>cascaded</c>, or <c>realtime:&lt;profile&gt;</c> with the profile configured.</summary>
public static class TurnEngine
{
    public const string RealtimePrefix = "realtime:";

    /// <summary>The realtime profile <paramref name="engine"/> names (null for <c>cascaded</c>), or false with why not.</summary>
    public static bool TryParse(string engine, IRealtimeModels realtime, out string? profile, out string error)
    {
        profile = null;
        error = "";
        var name = engine.Trim();
        if (name.Equals(CascadedWorkerPlan.Name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (name.StartsWith(RealtimePrefix, StringComparison.OrdinalIgnoreCase) && realtime.VendorOf(name[RealtimePrefix.Length..]) is not null)
        {
            profile = realtime.Profiles.First(p => p.Equals(name[RealtimePrefix.Length..], StringComparison.OrdinalIgnoreCase));
            return true;
        }

        error = $"engine {Core.ClientError.Echo(engine)} is not offered here; use one of: {string.Join(", ", Available(realtime))}.";
        return false;
    }

    public static IEnumerable<string> Available(IRealtimeModels realtime) =>
        realtime.Profiles.Order(StringComparer.Ordinal).Select(p => RealtimePrefix + p).Prepend(CascadedWorkerPlan.Name);
}
