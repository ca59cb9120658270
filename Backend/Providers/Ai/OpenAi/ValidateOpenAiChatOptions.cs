using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>
/// Checks the LLM settings at start-up when <c>Ai:Provider=openai</c>, every profile with its fallbacks applied, and
/// reports every problem at once with the configuration key to fix. With another provider the section is unused and
/// not checked. A missing API key is not an error here (local servers need none); <c>/readyz</c> reports it.
/// </summary>
public sealed partial class ValidateOpenAiChatOptions(IOptions<AiOptions> ai) : IValidateOptions<OpenAiChatOptions>
{
    private static readonly string[] TokenFields = ["max_tokens", "max_completion_tokens", "none"];

    public ValidateOptionsResult Validate(string? name, OpenAiChatOptions options)
    {
        if (!string.Equals(ai.Value.Provider, ProviderNames.OpenAi, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        var section = OpenAiChatOptions.Section;
        foreach (var (key, value) in new[] { ("FirstTokenTimeout", options.FirstTokenTimeout), ("AttemptTimeout", options.AttemptTimeout), ("StallTimeout", options.StallTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{section}:{key} must be positive (was {value}).");
            }
        }

        if (options.FirstTokenTimeout >= ai.Value.Timeout)
        {
            problems.Add($"{section}:FirstTokenTimeout must be shorter than {AiOptions.Section}:Timeout, which bounds the whole reply (were {options.FirstTokenTimeout} and {ai.Value.Timeout}).");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            problems.Add($"{section}:MaxRetries must be between 0 and 10 (was {options.MaxRetries}).");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            problems.Add($"{section}:RetryDelay must be at least zero and at most {section}:MaxRetryDelay (were {options.RetryDelay} and {options.MaxRetryDelay}).");
        }

        foreach (var profile in options.Profiles.Keys.Where(p => !ProfileName().IsMatch(p)))
        {
            problems.Add($"{OpenAiChatOptions.ProfilesSection}:{profile}: a profile name is 1–64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        ChatModelProfiles.ResolveAll(options, problems); // model and URL of every profile
        foreach (var (_, path, values) in ChatModelProfiles.Effective(options))
        {
            if (values.Temperature is < 0 or > 2)
            {
                problems.Add($"{path}:Temperature must be between 0 and 2 (was {values.Temperature}).");
            }

            if (values.MaxOutputTokens is < 1 or > 32_000)
            {
                problems.Add($"{path}:MaxOutputTokens must be between 1 and 32000 (was {values.MaxOutputTokens}).");
            }

            if (!TokenFields.Contains(values.MaxTokensField))
            {
                problems.Add($"{path}:MaxTokensField must be one of {string.Join(", ", TokenFields)} (was '{values.MaxTokensField}').");
            }

            if (values.HistoryTurns is < 0 or > 200 || values.HistoryTokens is < 100 or > 1_000_000)
            {
                problems.Add($"{path}: HistoryTurns must be 0–200 and HistoryTokens 100–1000000 (were {values.HistoryTurns} and {values.HistoryTokens}).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ProfileName();
}
