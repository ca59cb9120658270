namespace RoleplayHub.Core;

/// <summary>A failure reported to the client as an <c>error</c> event: a stable code, a plain message, and whether
/// trying again (unchanged, later) can succeed. A message never exceeds <see cref="MaxMessageLength"/> characters, and
/// what the client sent is echoed through <see cref="Echo"/>, so a huge bad value is not sent back in full.</summary>
public readonly record struct ClientError(string Code, string Message, bool Retryable)
{
    public const int MaxMessageLength = 600;

    public const int MaxEchoLength = 64;

    public string Message { get; init; } = Message.Length <= MaxMessageLength ? Message : string.Concat(Message.AsSpan(0, MaxMessageLength - 1), "…");

    /// <summary>A value the client sent, for a message: quoted, and cut to <see cref="MaxEchoLength"/> characters.</summary>
    public static string Echo(string? value) => value is null ? "(none)"
        : value.Length <= MaxEchoLength ? $"'{value}'" : $"'{value.AsSpan(0, MaxEchoLength)}…' ({value.Length} characters)";

    public static ClientError InvalidRequest(string message) => new(ErrorCodes.InvalidRequest, message, false);

    public static ClientError SessionNotFound(string? sessionId) =>
        new(ErrorCodes.SessionNotFound, $"No session {Echo(sessionId)} is open for this user.", false);

    public static ClientError SessionEnded(string sessionId, string reason) =>
        new(ErrorCodes.SessionEnded, $"Session {Echo(sessionId)} has ended ({reason}).", false);

    public static ClientError InvalidAudio(string message) => new(ErrorCodes.InvalidAudio, message, false);

    public static ClientError Internal() => new(ErrorCodes.Internal, "The server failed to handle this request; it has been logged.", true);
}
