namespace RoleplayHub.Providers.Realtime;

/// <summary>A conversation could not be opened: <see cref="Code"/> is one of <see cref="Core.ErrorCodes"/>, the message is
/// safe to show (no key, no endpoint), and <see cref="Retryable"/> says whether trying again may work.</summary>
public sealed class RealtimeProviderException(string code, string message, bool retryable, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public bool Retryable { get; } = retryable;

    /// <summary>True when a send found the connection closed (a session cap, a drop): what it carried is lost, and the
    /// connection's events say why it closed.</summary>
    public bool ConnectionClosed { get; private init; }

    /// <summary>What a send on a closed connection throws (<see cref="IRealtimeConnection"/>).</summary>
    public static RealtimeProviderException Closed(Exception inner) =>
        new(Core.ErrorCodes.AiFailed, "The realtime connection is closed.", retryable: true, inner) { ConnectionClosed = true };
}
