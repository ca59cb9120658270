namespace RoleplayHub.Providers;

/// <summary>
/// Marks a provider failure as an outage — the service could not be reached, answered 5xx, or kept failing after
/// its retries — as opposed to a problem with this request. Cloud providers put it as the inner exception of their
/// <c>SpeechRecognitionException</c>/<c>SpeechSynthesisException</c>; the fallback wrappers switch to the offline
/// provider only for these.
/// </summary>
public sealed class ProviderOutageException(string provider, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Provider { get; } = provider;
}
