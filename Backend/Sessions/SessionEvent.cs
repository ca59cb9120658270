namespace RoleplayHub.Sessions;

public enum SessionEventKind
{
    Transcription,
    AiResponse,
    AvatarResponse,
    Error,
}

/// <summary>A pipeline event on its way to the client; kept for replay while the client is disconnected.</summary>
public sealed record SessionEvent(SessionEventKind Kind, object Payload);
