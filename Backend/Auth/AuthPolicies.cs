namespace RoleplayHub.Auth;

public static class AuthPolicies
{
    /// <summary>Any authenticated user with a subject (<c>sub</c>) claim: may use the hub and their own history.</summary>
    public const string Trainee = "trainee";

    /// <summary>Users with the admin role: session history of everyone, node stats.</summary>
    public const string Admin = "admin";
}
