using Microsoft.AspNetCore.Http.HttpResults;
using RoleplayHub.Auth;
using RoleplayHub.Scenarios;

namespace Microsoft.Extensions.DependencyInjection;

public static class ScenarioApi
{
    public static IHostApplicationBuilder AddScenarioCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScenarioOptions>().BindConfiguration(ScenarioOptions.Section);
        builder.Services.AddSingleton<ScenarioCatalog>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScenarioCatalog>()); // built before anything starts
        return builder;
    }

    /// <summary><c>GET /api/scenarios</c> lists the catalog (any signed-in user); <c>POST /api/admin/scenarios/reload</c>
    /// re-reads the admin folder now (admins).</summary>
    public static IEndpointRouteBuilder MapScenarioApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/scenarios", List).WithName("ListScenarios").WithTags("Scenarios").RequireAuthorization(AuthPolicies.Trainee);
        app.MapPost("/api/admin/scenarios/reload", Reload).WithName("ReloadScenarios").WithTags("Scenarios").RequireAuthorization(AuthPolicies.Admin);
        return app;
    }

    private static Ok<ScenarioSummary[]> List(ScenarioCatalog catalog, ILanguageSupport languages) =>
        TypedResults.Ok(catalog.All.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => ScenarioSummary.From(s, languages)).ToArray());

    private static Results<Ok<ScenarioSummary[]>, ProblemHttpResult> Reload(ScenarioCatalog catalog, ILanguageSupport languages)
    {
        var errors = catalog.Reload();
        return errors.Count == 0
            ? List(catalog, languages)
            : TypedResults.Problem(title: "Scenario files are invalid; the previous catalog is still in use", detail: string.Join("\n", errors), statusCode: StatusCodes.Status422UnprocessableEntity);
    }
}
