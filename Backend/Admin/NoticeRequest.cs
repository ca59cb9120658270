namespace RoleplayHub.Admin;

/// <summary>An admin's notice: <c>message</c> to every connected client, or only to <c>userId</c>'s connections.</summary>
public sealed record NoticeRequest(string? Message, string? UserId);
