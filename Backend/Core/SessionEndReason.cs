namespace RoleplayHub.Core;

/// <summary>Why a session ended; <c>ToWire()</c> gives the <c>session-ended.reason</c> value.</summary>
public enum SessionEndReason
{
    Client,
    MaxTurns,
    IdleTimeout,
    Disconnected,
    Shutdown,
    Error,

    /// <summary>An admin ended it (<c>DELETE /api/admin/sessions/{id}</c>), through whichever node.</summary>
    Admin,
}

public static class SessionEndReasonExtensions
{
    public static string ToWire(this SessionEndReason reason) => reason switch
    {
        SessionEndReason.Client => "client",
        SessionEndReason.MaxTurns => "max-turns",
        SessionEndReason.IdleTimeout => "idle-timeout",
        SessionEndReason.Disconnected => "disconnected",
        SessionEndReason.Shutdown => "shutdown",
        SessionEndReason.Error => "error",
        SessionEndReason.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
