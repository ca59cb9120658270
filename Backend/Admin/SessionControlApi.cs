using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Admin;
using RoleplayHub.Auth;
using RoleplayHub.Hubs;
using RoleplayHub.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Admins act on live sessions and clients through any node: <c>DELETE /api/admin/sessions/{id}</c> ends a session
/// wherever it runs (its owner hears it through Redis when scaled out), <c>POST /api/admin/notices</c> sends a
/// <c>notice</c> event through the hub context (the backplane carries it to every node).
/// </summary>
public static class SessionControlApi
{
    public const int MaxNoticeLength = 500;

    public static IEndpointRouteBuilder MapSessionControlApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        admin.MapDelete("/sessions/{sessionId}", EndSession).WithName("EndSessionAsAdmin")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Ends a live session, on whichever node runs it; the trainee gets session-ended with reason admin");
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
