using System.Diagnostics;

namespace RoleplayHub.Observability;

/// <summary>
/// The service's spans (activity source <c>RoleplayHub</c>): <c>roleplay.turn</c> for a user turn, from the end of the
/// utterance to its last avatar segment, with a child span per stage (<c>roleplay.stt</c>, <c>roleplay.ai</c>,
/// <c>roleplay.tts</c>, <c>roleplay.store</c>). Without a listener no span is created, so this costs nothing then.
/// </summary>
public static class RoleplayTracing
{
    public const string SourceName = "RoleplayHub";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A turn's span, a root of its own: a session's turns are not children of whatever call started it.</summary>
    public static Activity? StartTurn(string sessionId, int turn, string language, bool retry = false)
    {
        Activity.Current = null; // the worker's flow began inside start-session's call; a turn is not part of it
        var activity = Source.StartActivity(retry ? "roleplay.turn.retry" : "roleplay.turn");
        activity?.SetTag("roleplay.session.id", sessionId);
        activity?.SetTag("roleplay.turn", turn);
        activity?.SetTag("roleplay.language", language);
        return activity;
    }

    /// <summary>A stage of the current turn (a child of <see cref="Activity.Current"/>).</summary>
    public static Activity? StartStage(string stage, string? provider = null)
    {
        var activity = Source.StartActivity("roleplay." + stage);
        activity?.SetTag("roleplay.provider", provider);
        return activity;
    }

    /// <summary>Marks the span failed with the error code the client was sent.</summary>
    public static void Fail(this Activity? activity, string code, string message)
    {
        activity?.SetStatus(ActivityStatusCode.Error, message);
        activity?.SetTag("roleplay.error.code", code);
    }
}
