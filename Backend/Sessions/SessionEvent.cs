using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>A turn event as the session numbered it (<c>seq</c> 1, 2, …) and when, kept (the last few) for replay.</summary>
public sealed record SessionEvent(long Seq, long Timestamp, TurnEvent Payload);
