using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace RoleplayHub.Auth;

public static class AuthPolicies
{
    /// <summary>Any authenticated user with a non-empty subject (<c>sub</c>) claim: may use the hub and their own history.
    /// Also the fallback policy: an endpoint that names no policy and is not marked anonymous gets this one.</summary>
    public const string Trainee = "trainee";

    /// <summary>Users with the admin role: session history of everyone, node stats.</summary>
    public const string Admin = "admin";

    /// <summary>The claim that names the user; sessions and history are owned by it.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The caller's subject, or null when there is none or it is blank (such a token names nobody).</summary>
    public static string? SubjectOf(ClaimsPrincipal? user) =>
        user?.FindFirst(SubjectClaim)?.Value is { } sub && !string.IsNullOrWhiteSpace(sub) ? sub : null;

    /// <summary>Authenticated, with a non-empty subject. <c>RequireClaim("sub")</c> alone accepts <c>"sub": ""</c>.</summary>
    public static AuthorizationPolicyBuilder RequireSubject(this AuthorizationPolicyBuilder policy) =>
        policy.RequireAuthenticatedUser().RequireAssertion(context => SubjectOf(context.User) is not null);
}
