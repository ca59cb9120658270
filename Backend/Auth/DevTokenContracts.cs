namespace RoleplayHub.Auth;

public sealed record DevTokenRequest(string? UserId, string[]? Roles);

public sealed record DevTokenResponse(string AccessToken, long ExpiresAt, string UserId, string[] Roles);
