using Microsoft.Extensions.Options;

namespace RoleplayHub.Providers;

/// <summary><c>Ai:Provider</c> must name a registered roleplay AI; a typo stops the start, saying which ones there are.</summary>
public sealed class ValidateAiOptions(IEnumerable<RoleplayAiRegistration> registrations) : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var names = registrations.Select(r => r.Name).ToList();
        return names.Contains(options.Provider, StringComparer.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(UnknownProvider(options.Provider, names));
    }

    /// <summary>The message for an <c>Ai:Provider</c> nobody registered: <c>use 'scripted' or 'openai'</c>.</summary>
    internal static string UnknownProvider(string provider, IReadOnlyList<string> names)
    {
        var quoted = names.Select(n => $"'{n}'").ToList();
        var choices = quoted.Count < 2 ? string.Concat(quoted) : string.Join(", ", quoted[..^1]) + " or " + quoted[^1];
        return $"{AiOptions.Section}:Provider '{provider}' is unknown; use {choices}.";
    }
}
