using Microsoft.AspNetCore.SignalR;

namespace RoleplayHub.Auth;

/// <summary>A connection belongs to the JWT's <c>sub</c>: sessions are owned by it.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => AuthPolicies.SubjectOf(connection.User);
}
