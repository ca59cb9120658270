using RoleplayHub.Pipeline;

namespace RoleplayHub.Sessions;

/// <summary>A turn event as the session numbered it (<c>seq</c> 1, 2, …) and when, kept (the last few) for replay.
/// A value, not an object: the log keeps it in its queue's array, so keeping one adds no object for the collector to
/// promote beside the payload.</summary>
public readonly record struct SessionEvent(long Seq, long Timestamp, TurnEvent Payload);
