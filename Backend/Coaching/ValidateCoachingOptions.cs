using Microsoft.Extensions.Options;

namespace RoleplayHub.Coaching;

/// <summary>Every problem of <c>Coaching:*</c> at once, at start-up.</summary>
internal sealed class ValidateCoachingOptions : IValidateOptions<CoachingOptions>
{
    public ValidateOptionsResult Validate(string? name, CoachingOptions o)
    {
        List<string> errors = [];
        foreach (var (key, list) in new[] { ("FillersEn", o.FillersEn), ("FillersZh", o.FillersZh) })
        {
            if (list.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"Coaching:{key} contains an empty filler.");
            }
        }

        if (o.FillersEn.Any(f => Units.HasCjk(f)))
        {
            errors.Add("Coaching:FillersEn holds Chinese text; put it in Coaching:FillersZh.");
        }

        Band(errors, "TalkRatioMin", "TalkRatioMax", o.TalkRatioMin, o.TalkRatioMax, 0, 1);
        Band(errors, "PaceMinWpm", "PaceMaxWpm", o.PaceMinWpm, o.PaceMaxWpm, 1, 1000);
        Band(errors, "PaceMinCpm", "PaceMaxCpm", o.PaceMinCpm, o.PaceMaxCpm, 1, 2000);
        if (o.MonologueTarget <= TimeSpan.Zero || o.MonologueTarget > TimeSpan.FromMinutes(30))
        {
            errors.Add($"Coaching:MonologueTarget must be above 0 and at most 30 minutes (was {o.MonologueTarget}).");
        }

        if (o.ResponseLatencyTarget <= TimeSpan.Zero || o.ResponseLatencyTarget > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Coaching:ResponseLatencyTarget must be above 0 and at most 5 minutes (was {o.ResponseLatencyTarget}).");
        }

        if (o.TrendTimeout <= TimeSpan.Zero || o.TrendTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Coaching:TrendTimeout must be above 0 and at most a minute (was {o.TrendTimeout}).");
        }

        if (o.LlmTimeout <= TimeSpan.Zero || o.LlmTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Coaching:LlmTimeout must be above 0 and at most 5 minutes (was {o.LlmTimeout}).");
        }

        if (o.LlmMaxOutputTokens is < 100 or > 32_000)
        {
            errors.Add($"Coaching:LlmMaxOutputTokens must be 100–32000 (was {o.LlmMaxOutputTokens}).");
        }

        if (o.TrendSessions is < 1 or > 100)
        {
            errors.Add($"Coaching:TrendSessions must be 1–100 (was {o.TrendSessions}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Band(List<string> errors, string minKey, string maxKey, double min, double max, double lowest, double highest)
    {
        if (!(min >= lowest && max <= highest && min < max))
        {
            errors.Add($"Coaching:{minKey} and Coaching:{maxKey} must satisfy {lowest} ≤ min < max ≤ {highest} (were {min} and {max}).");
        }
    }
}
