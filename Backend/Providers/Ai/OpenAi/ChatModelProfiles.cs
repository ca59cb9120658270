using System.Net;
using System.Net.Sockets;

namespace RoleplayHub.Providers.Ai.OpenAi;

/// <summary>Applies <c>Ai:OpenAi</c>'s values to every profile that leaves them empty, and checks what must be set.</summary>
public static class ChatModelProfiles
{
    /// <summary>Every profile with <c>Ai:OpenAi</c>'s values filled in where it leaves them empty; the default is named "".</summary>
    public static IEnumerable<(string Name, string Path, OpenAiModelProfile Values)> Effective(OpenAiChatOptions options) =>
        options.Profiles.Select(p => (p.Key, p.Value)).Prepend(("", new OpenAiModelProfile())).Select(p => (
            p.Item1,
            p.Item1.Length == 0 ? OpenAiChatOptions.Section : $"{OpenAiChatOptions.ProfilesSection}:{p.Item1}",
            new OpenAiModelProfile
            {
                BaseUrl = Blank(p.Item2.BaseUrl) ?? Blank(options.BaseUrl),
                ApiKey = Blank(p.Item2.ApiKey) ?? Blank(options.ApiKey),
                Model = Blank(p.Item2.Model) ?? Blank(options.Model),
                Temperature = p.Item2.Temperature ?? options.Temperature,
                MaxOutputTokens = p.Item2.MaxOutputTokens ?? options.MaxOutputTokens,
                MaxTokensField = Blank(p.Item2.MaxTokensField) ?? options.MaxTokensField,
                HistoryTurns = p.Item2.HistoryTurns ?? options.HistoryTurns,
                HistoryTokens = p.Item2.HistoryTokens ?? options.HistoryTokens,
            }));

    /// <summary>The profiles a session can use; a profile without a model or a usable URL is left out, and the key
    /// to fix goes to <paramref name="problems"/>.</summary>
    public static List<ChatModelSettings> ResolveAll(OpenAiChatOptions options, List<string> problems)
    {
        var resolved = new List<ChatModelSettings>();
        foreach (var (name, path, values) in Effective(options))
        {
            if (values.Model is null)
            {
                problems.Add(name.Length == 0
                    ? $"{path}:Model is required when Ai:Provider=openai (e.g. gpt-4o-mini, qwen-plus, glm-4-flash, deepseek-chat; see docs/providers.md)."
                    : $"{path}:Model is required (or set {OpenAiChatOptions.Section}:Model for every profile).");
            }

            if (!Uri.TryCreate(values.BaseUrl?.TrimEnd('/'), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                problems.Add($"{path}:BaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1 (was '{values.BaseUrl}').");
                continue;
            }

            if (values.Model is not null)
            {
                resolved.Add(new ChatModelSettings(
                    name,
                    endpoint,
                    values.ApiKey,
                    values.Model,
                    values.Temperature,
                    values.MaxOutputTokens!.Value,
                    values.MaxTokensField!,
                    values.HistoryTurns!.Value,
                    values.HistoryTokens!.Value));
            }
        }

        return resolved;
    }

    /// <summary>
    /// Whether an endpoint is on this machine or a private network, where servers such as Ollama and vLLM usually run
    /// without an API key. Anything else (every cloud vendor) refuses requests without one.
    /// </summary>
    public static bool IsLocal(Uri endpoint)
    {
        var host = endpoint.IdnHost;
        if (endpoint.IsLoopback || !host.Contains('.', StringComparison.Ordinal) || host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".lan", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
