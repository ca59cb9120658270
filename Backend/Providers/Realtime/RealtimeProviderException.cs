namespace RoleplayHub.Providers.Realtime;

/// <summary>A conversation could not be opened: <see cref="Code"/> is one of <see cref="Core.ErrorCodes"/>, the message is
/// safe to show (no key, no endpoint), and <see cref="Retryable"/> says whether trying again may work.</summary>
public sealed class RealtimeProviderException(string code, string message, bool retryable, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public bool Retryable { get; } = retryable;
}
