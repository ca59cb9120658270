namespace RoleplayHub.Providers.Ai;

/// <summary>
/// One request, one answer, from the configured language model (its default profile): what the coaching report asks
/// of the same model that plays the persona. Implemented by the LLM providers; the scripted engine has none.
/// Failures throw <see cref="AiProviderException"/>; the caller's token bounds the wait.
/// </summary>
public interface ITextCompletion
{
    Task<string> CompleteAsync(string system, string user, int maxOutputTokens, CancellationToken cancellationToken);
}
