namespace RoleplayHub.Hubs.AudioSocket;

/// <summary>
/// The open audio sockets, at most one per session: a client that reconnects opens a new one before the server has
/// noticed the old one is gone, so the new one replaces the old, which is closed.
/// </summary>
internal sealed class AudioSockets
{
    private readonly Dictionary<string, CancellationTokenSource> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Registers a socket for the session; its token is cancelled when another replaces it.</summary>
    public CancellationTokenSource Open(string sessionId)
    {
        var socket = new CancellationTokenSource();
        CancellationTokenSource? replaced;
        lock (_gate)
        {
            _open.Remove(sessionId, out replaced);
            _open[sessionId] = socket;
        }

        replaced?.Cancel();
        return socket;
    }

    /// <summary>The socket has closed. Its token source stays undisposed: a replacing socket may still cancel it, and it
    /// holds no timer.</summary>
    public void Closed(string sessionId, CancellationTokenSource socket)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(sessionId, out var current) && ReferenceEquals(current, socket))
            {
                _open.Remove(sessionId);
            }
        }
    }
}
