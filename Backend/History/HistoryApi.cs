using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.History;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Session history over HTTP. Admins (<c>/api/admin/history</c>) see every session, with filters, keyset pages and
/// aggregate statistics; trainees (<c>/api/history</c>) see their own sessions only — another user's session is a
/// 404, exactly like a missing one. Bad parameters get an RFC 7807 validation problem naming each one.
/// </summary>
public static class HistoryApi
{
    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/history").WithTags("History (admin)").RequireAuthorization(AuthPolicies.Admin);
        admin.MapGet("/sessions", ListSessions).WithName("ListSessions")
            .WithSummary("Every user's sessions, newest first, filtered and paged by cursor");
        admin.MapGet("/sessions/{id:guid}", GetSession).WithName("GetSession").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One session with all its turns");
        admin.MapGet("/stats", GetStats).WithName("GetHistoryStats")
            .WithSummary("Sessions per day, average turns, average latency per stage and error rates over a date range");

        var mine = app.MapGroup("/api/history").WithTags("History").RequireAuthorization(AuthPolicies.Trainee);
        mine.MapGet("/sessions", ListMySessions).WithName("ListMySessions")
            .WithSummary("The caller's own sessions, newest first, filtered and paged by cursor");
        mine.MapGet("/sessions/{id:guid}", GetMySession).WithName("GetMySession").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One of the caller's sessions with all its turns");
        return app;
    }

    private static async Task<Results<Ok<SessionPage>, ValidationProblem>> ListSessions(
        [AsParameters] SessionListParameters parameters, [Description("Only sessions of this user (the JWT sub).")] string? userId,
        HistoryQueries queries, IOptions<HistoryOptions> options, CancellationToken cancellationToken)
    {
        var filter = parameters.Validate(string.IsNullOrWhiteSpace(userId) ? null : userId.Trim(), options.Value, out var errors);
        return filter is null ? Invalid(errors) : TypedResults.Ok(await queries.ListAsync(filter, cancellationToken));
    }

    private static async Task<Results<Ok<SessionPage>, ValidationProblem>> ListMySessions(
        [AsParameters] SessionListParameters parameters, ClaimsPrincipal user, HistoryQueries queries, IOptions<HistoryOptions> options, CancellationToken cancellationToken)
    {
        var filter = parameters.Validate(Subject(user), options.Value, out var errors);
        return filter is null ? Invalid(errors) : TypedResults.Ok(await queries.ListAsync(filter, cancellationToken));
    }

    private static async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> GetSession(
        Guid id, HistoryQueries queries, HttpContext context, CancellationToken cancellationToken) =>
        await queries.GetAsync(id, ownerId: null, BaseUrl(context.Request), cancellationToken) is { } session
            ? TypedResults.Ok(session)
            : NotFound(id);

    private static async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> GetMySession(
        Guid id, ClaimsPrincipal user, HistoryQueries queries, HttpContext context, CancellationToken cancellationToken) =>
        await queries.GetAsync(id, Subject(user), BaseUrl(context.Request), cancellationToken) is { } session
            ? TypedResults.Ok(session)
            : NotFound(id);

    private static async Task<Results<Ok<HistoryStats>, ValidationProblem>> GetStats(
        [AsParameters] StatsParameters parameters, HistoryQueries queries, IOptions<HistoryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var range = parameters.Validate(time.GetUtcNow().UtcDateTime, options.Value, out var errors);
        if (range is not { } r)
        {
            return Invalid(errors);
        }

        var scenarioId = string.IsNullOrWhiteSpace(parameters.ScenarioId) ? null : parameters.ScenarioId.Trim();
        var userId = string.IsNullOrWhiteSpace(parameters.UserId) ? null : parameters.UserId.Trim();
        return TypedResults.Ok(await queries.StatsAsync(r.From, r.To, scenarioId, userId, cancellationToken));
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Invalid query parameters", detail: "See errors for each parameter and what it accepts.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Session not found", detail: $"There is no session {id} in your history.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The trainee policy guarantees a non-empty <c>sub</c> claim.</summary>
    private static string Subject(ClaimsPrincipal user) => AuthPolicies.SubjectOf(user) ?? throw new InvalidOperationException("The token has no sub claim.");

    /// <summary>Media URLs are made absolute against the address the client used (or Media:PublicBaseUrl).</summary>
    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
