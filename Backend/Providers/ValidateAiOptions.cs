using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers;

/// <summary><c>Ai:Provider</c> must name a registered roleplay AI (a typo stops the start, saying which ones there are),
/// and <c>Ai:DeltaInterval</c> must be from zero to a second.</summary>
public sealed class ValidateAiOptions(IEnumerable<RoleplayAiRegistration> registrations) : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var problems = new List<string>();
        var names = registrations.Select(r => r.Name).ToList();
        if (!names.Contains(options.Provider, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(UnknownProvider(options.Provider, names));
        }

        if (options.DeltaInterval < TimeSpan.Zero || options.DeltaInterval > AiOptions.MaxDeltaInterval)
        {
            problems.Add($"{AiOptions.Section}:DeltaInterval must be from 00:00:00 to {AiOptions.MaxDeltaInterval:c} (was {options.DeltaInterval:c}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The message for an <c>Ai:Provider</c> nobody registered: <c>use 'scripted' or 'openai'</c>.</summary>
    internal static string UnknownProvider(string provider, IReadOnlyList<string> names)
    {
        var quoted = names.Select(n => $"'{n}'").ToList();
        var choices = quoted.Count < 2 ? string.Concat(quoted) : string.Join(", ", quoted[..^1]) + " or " + quoted[^1];
        return $"{AiOptions.Section}:Provider '{provider}' is unknown; use {choices}.";
    }
}
