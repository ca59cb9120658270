using Microsoft.AspNetCore.SignalR;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Hubs;

/// <summary>Server → client events. The attribute is the wire name a client subscribes to with <c>connection.on(...)</c>.</summary>
public interface IRoleplayClient
{
    [HubMethodName("session-started")]
    Task SessionStarted(SessionStartedEvent payload);

    [HubMethodName("audio-received")]
    Task AudioReceived(AudioReceivedEvent payload);

    [HubMethodName("speech-started")]
    Task SpeechStarted(SpeechStartedEvent payload);

    [HubMethodName("speech-stopped")]
    Task SpeechStopped(SpeechStoppedEvent payload);

    [HubMethodName("transcription")]
    Task Transcription(TranscriptionEvent payload);

    [HubMethodName("response-interrupted")]
    Task ResponseInterrupted(ResponseInterruptedEvent payload);

    [HubMethodName("response-resumed")]
    Task ResponseResumed(ResponseResumedEvent payload);

    [HubMethodName("ai-response-delta")]
    Task AiResponseDelta(AiResponseDeltaEvent payload);

    [HubMethodName("ai-response")]
    Task AiResponse(AiResponseEvent payload);

    [HubMethodName("avatar-response")]
    Task AvatarResponse(AvatarResponseEvent payload);

    [HubMethodName("session-ended")]
    Task SessionEnded(SessionEndedEvent payload);

    [HubMethodName("error")]
    Task Error(ErrorEvent payload);

    /// <summary>A message from an admin to everyone or to one user, from any node (the backplane carries it).</summary>
    [HubMethodName("notice")]
    Task Notice(NoticeEvent payload);
}
