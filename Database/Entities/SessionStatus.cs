namespace RoleplayHub.Database.Entities;

/// <summary>Stored as <c>active</c> / <c>ended</c>.</summary>
public enum SessionStatus
{
    Active,
    Ended,
}
