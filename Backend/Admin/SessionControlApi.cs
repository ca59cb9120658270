using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Admin;
using RoleplayHub.Auth;
using RoleplayHub.Hubs;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Admins act on live sessions and clients through any node: <c>DELETE /api/admin/sessions/{id}</c> ends a session
/// wherever it runs (its owner hears it through Redis when scaled out), <c>POST /api/admin/users/{userId}/kick</c> ends a
/// user's sessions and closes their connections on every node (<see cref="UserKicks"/>), <c>POST /api/admin/notices</c> sends a
/// <c>notice</c> event through the hub context (the backplane carries it to every node).
/// </summary>
public static class SessionControlApi
{
    public const int MaxNoticeLength = 500;
    public const int MaxUserIdLength = 256;

    public static IEndpointRouteBuilder MapSessionControlApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        admin.MapDelete("/sessions/{sessionId}", EndSession).WithName("EndSessionAsAdmin")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Ends a live session, on whichever node runs it; the trainee gets session-ended with reason admin");
        admin.MapPost("/users/{userId}/kick", KickUser).WithName("KickUser")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Ends a user's sessions and closes their connections on every node; they cannot connect again for Sessions:KickBlock");
        admin.MapPost("/notices", SendNotice).WithName("SendNotice").ProducesValidationProblem()
            .WithSummary("Sends a notice event to every connected client, or to one user's connections, on every node");
        return app;
    }

    // 204: ended here (session-ended follows at once); 202: sent to the node that runs it.
    private static async Task<Results<NoContent, Accepted, ValidationProblem, ProblemHttpResult>> EndSession(
        [Description("The session's id, as in session-started.")] string sessionId, SessionManager sessions, CancellationToken cancellationToken)
    {
        if (!SessionRegistry.IsValidId(sessionId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["sessionId"] = ["1–64 characters of letters, digits, '.', '_', ':' or '-'."],
            });
        }

        return await sessions.EndByAdminAsync(sessionId, cancellationToken) switch
        {
            AdminEndOutcome.Ended => TypedResults.NoContent(),
            AdminEndOutcome.SentToOwner => TypedResults.Accepted((string?)null),
            AdminEndOutcome.OwnerUnreachable => TypedResults.Problem(title: "Other nodes unreachable",
                detail: "This node does not run the session and cannot reach the others now; try again in a moment.", statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => TypedResults.Problem(title: "Session not running", detail: $"No node runs a session {sessionId}.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    // 204: kicked on every node (this one, and the others through Redis); 503: kicked here, the others unreachable.
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> KickUser(
        [Description("The user's id: the sub of their token.")] string userId, UserKicks kicks, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > MaxUserIdLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["userId"] = [$"1–{MaxUserIdLength} characters, not blank."],
            });
        }

        return await kicks.KickAsync(userId, cancellationToken) == EndForwarding.Unavailable
            ? TypedResults.Problem(title: "Other nodes unreachable",
                detail: "The user was kicked on this node, but the others cannot be reached now; try again in a moment.", statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.NoContent();
    }

    private static async Task<Results<Accepted, ValidationProblem>> SendNotice(NoticeRequest request, HubNotices notices)
    {
        var message = request.Message?.Trim();
        if (string.IsNullOrEmpty(message) || message.Length > MaxNoticeLength || (request.UserId is { } user && string.IsNullOrWhiteSpace(user)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["message"] = [$"1–{MaxNoticeLength} characters; userId, when given, must not be blank."],
            });
        }

        await (request.UserId is { } userId ? notices.ToUserAsync(userId, message) : notices.ToEveryoneAsync(message));
        return TypedResults.Accepted((string?)null);
    }
}
