namespace RoleplayHub.Sessions;

public enum SessionEventKind
{
    Transcription,
    AiResponse,
    AvatarResponse,
    Error,
}

/// <summary>A pipeline event on its way to the client, numbered and kept (the last few) for replay on resume.</summary>
public sealed record SessionEvent(long Seq, SessionEventKind Kind, object Payload);
