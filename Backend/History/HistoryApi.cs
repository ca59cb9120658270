using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using RoleplayHub.Auth;
using RoleplayHub.Core;
using RoleplayHub.History;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Session history over HTTP. Admins (<c>/api/admin/history</c>) see every session, with filters, keyset pages and
/// aggregate statistics; trainees (<c>/api/history</c>) see their own sessions only — another user's session is a
/// 404, exactly like a missing one. Admins also export a session (JSON or a zip with its audio) and erase a user's
/// sessions (audited). Bad parameters get an RFC 7807 validation problem naming each one.
/// </summary>
public static class HistoryApi
{
    // As sessions.user_id (the index key limit of SQL Server).
    private const int MaxUserIdLength = 450;

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/history").WithTags("History (admin)").RequireAuthorization(AuthPolicies.Admin);
        admin.MapGet("/sessions", ListSessions).WithName("ListSessions")
            .WithSummary("Every user's sessions, newest first, filtered and paged by cursor");
        admin.MapGet("/sessions/{id:guid}", GetSession).WithName("GetSession").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One session with all its turns");
        admin.MapGet("/sessions/{id:guid}/report", GetReport).WithName("GetSessionReport").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The coaching report of an ended session: analytics, rubric scores with evidence, the trend");
        admin.MapGet("/sessions/{id:guid}/report.html", GetReportPage).WithName("GetSessionReportPage")
            .Produces<string>(StatusCodes.Status200OK, "text/html").ProducesProblem(StatusCodes.Status404NotFound).WithMetadata(ReportHtml.Policy)
            .WithSummary("The coaching report as a print-ready HTML page (print it to PDF)");
        admin.MapGet("/sessions/{id:guid}/export", ExportSession).WithName("ExportSession")
            .Produces<SessionDetail>(StatusCodes.Status200OK, "application/json").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // One status, two bodies: the JSON document, or (format=zip) a binary zip.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                {
                    content["application/zip"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }

                return Task.CompletedTask;
            })
            .WithSummary("One session to keep: JSON with its turns and fresh signed audio links (format=json), or a zip with session.json and the audio (format=zip)");
        admin.MapDelete("/users/{userId}/sessions", EraseUserSessions).WithName("EraseUserSessions").ProducesValidationProblem()
            .WithSummary("Erases every ended session of a user for good: history rows, and the media no other session uses; audited");
        admin.MapGet("/scores", GetScores).WithName("GetHistoryScores").ProducesValidationProblem()
            .WithSummary("Coaching scores over time (overall and per criterion), per session, filtered by scenario and user: what the trend charts draw");
        admin.MapGet("/stats", GetStats).WithName("GetHistoryStats")
            .WithSummary("Sessions per day, average turns, average latency per stage and error rates over a date range");

        var mine = app.MapGroup("/api/history").WithTags("History").RequireAuthorization(AuthPolicies.Trainee);
        mine.MapGet("/sessions", ListMySessions).WithName("ListMySessions")
            .WithSummary("The caller's own sessions, newest first, filtered and paged by cursor");
        mine.MapGet("/sessions/{id:guid}", GetMySession).WithName("GetMySession").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One of the caller's sessions with all its turns");
        mine.MapGet("/sessions/{id:guid}/report", GetMyReport).WithName("GetMySessionReport").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The coaching report of one of the caller's ended sessions");
        mine.MapGet("/scores", GetMyScores).WithName("GetMyScores").ProducesValidationProblem()
            .WithSummary("The caller's coaching scores over time, per session (userId is ignored: always the caller)");
        mine.MapGet("/sessions/{id:guid}/report.html", GetMyReportPage).WithName("GetMySessionReportPage")
            .Produces<string>(StatusCodes.Status200OK, "text/html").ProducesProblem(StatusCodes.Status404NotFound).WithMetadata(ReportHtml.Policy)
            .WithSummary("The coaching report of one of the caller's sessions as a print-ready HTML page");
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

    private static Task<Results<Ok<CoachingReport>, ProblemHttpResult>> GetReport(Guid id, HistoryQueries queries, CancellationToken cancellationToken) =>
        Report(id, ownerId: null, queries, cancellationToken);

    private static Task<Results<Ok<CoachingReport>, ProblemHttpResult>> GetMyReport(Guid id, ClaimsPrincipal user, HistoryQueries queries, CancellationToken cancellationToken) =>
        Report(id, Subject(user), queries, cancellationToken);

    private static Task<Results<ContentHttpResult, ProblemHttpResult>> GetReportPage(Guid id, HistoryQueries queries, CancellationToken cancellationToken) =>
        ReportPage(id, ownerId: null, queries, cancellationToken);

    private static Task<Results<ContentHttpResult, ProblemHttpResult>> GetMyReportPage(Guid id, ClaimsPrincipal user, HistoryQueries queries, CancellationToken cancellationToken) =>
        ReportPage(id, Subject(user), queries, cancellationToken);

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReportPage(Guid id, string? ownerId, HistoryQueries queries, CancellationToken cancellationToken)
    {
        var (found, session, report) = await queries.ReportAsync(id, ownerId, cancellationToken);
        return (found, session, report) switch
        {
            (false, _, _) => NotFound(id),
            (true, { } s, { } r) => TypedResults.Text(ReportHtml.Render(s, r), "text/html; charset=utf-8"),
            _ => NoReport(id, session),
        };
    }

    private static async Task<Results<Ok<CoachingReport>, ProblemHttpResult>> Report(Guid id, string? ownerId, HistoryQueries queries, CancellationToken cancellationToken)
    {
        var (found, session, report) = await queries.ReportAsync(id, ownerId, cancellationToken);
        if (!found)
        {
            return NotFound(id);
        }

        return report is not null ? TypedResults.Ok(report) : NoReport(id, session);
    }

    private static ProblemHttpResult NoReport(Guid id, SessionSummary? session) =>
        TypedResults.Problem(title: "No coaching report",
            detail: session?.Status == "active"
                ? $"Session {id} is still open: its report is made when it ends."
                : $"Session {id} ended without a coaching report (coaching was off, or the service stopped abruptly).",
            statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<FileStreamHttpResult, JsonHttpResult<SessionDetail>, ValidationProblem, ProblemHttpResult>> ExportSession(
        Guid id, [Description("json (default): the session with signed audio links; zip: session.json and the audio files.")] string? format,
        HistoryQueries queries, SessionExport export, HttpContext context, CancellationToken cancellationToken)
    {
        switch (format?.Trim().ToLowerInvariant())
        {
            case null or "" or "json":
                if (await queries.GetAsync(id, ownerId: null, BaseUrl(context.Request), cancellationToken) is not { } session)
                {
                    return NotFound(id);
                }

                context.Response.Headers.ContentDisposition = $"attachment; filename=\"session-{id}.json\"";
                return TypedResults.Json(session, JsonSerializerOptions.Web);
            case "zip":
                return await export.ZipAsync(id, cancellationToken) is { } zip
                    ? TypedResults.File(zip, "application/zip", $"session-{id}.zip")
                    : NotFound(id);
            default:
                return Invalid(new() { ["format"] = [$"{ClientError.Echo(format)} is not an export format; use json or zip."] });
        }
    }

    private static async Task<Results<Ok<ErasureResult>, ValidationProblem>> EraseUserSessions(
        [Description("The user whose sessions are erased (the JWT sub).")] string userId, ClaimsPrincipal admin, HistoryEraser eraser, CancellationToken cancellationToken)
    {
        var user = userId.Trim();
        if (user.Length is 0 or > MaxUserIdLength)
        {
            return Invalid(new() { ["userId"] = [$"userId must be 1 to {MaxUserIdLength} characters."] });
        }

        return TypedResults.Ok(await eraser.EraseUserAsync(user, Subject(admin), cancellationToken));
    }

    private static async Task<Results<Ok<ScoreSeries>, ValidationProblem>> GetScores(
        [AsParameters] StatsParameters parameters, HistoryQueries queries, IOptions<HistoryOptions> options, TimeProvider time, CancellationToken cancellationToken) =>
        await Scores(parameters, string.IsNullOrWhiteSpace(parameters.UserId) ? null : parameters.UserId.Trim(), queries, options, time, cancellationToken);

    private static async Task<Results<Ok<ScoreSeries>, ValidationProblem>> GetMyScores(
        [AsParameters] StatsParameters parameters, ClaimsPrincipal user, HistoryQueries queries, IOptions<HistoryOptions> options, TimeProvider time, CancellationToken cancellationToken) =>
        await Scores(parameters, Subject(user), queries, options, time, cancellationToken);

    private static async Task<Results<Ok<ScoreSeries>, ValidationProblem>> Scores(
        StatsParameters parameters, string? userId, HistoryQueries queries, IOptions<HistoryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var range = parameters.Validate(time.GetUtcNow().UtcDateTime, options.Value, out var errors);
        if (range is not { } r)
        {
            return Invalid(errors);
        }

        var scenarioId = string.IsNullOrWhiteSpace(parameters.ScenarioId) ? null : parameters.ScenarioId.Trim();
        return TypedResults.Ok(await queries.ScoresAsync(r.From, r.To, scenarioId, userId, cancellationToken));
    }

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
