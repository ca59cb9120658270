using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>POST /dev/token</c> <c>{ "userId": "alice", "roles": ["admin"] }</c> → a signed token, so a new user can try
/// the service without an identity provider. Mapped only in the Development environment with
/// <c>Auth:DevTokens:Enabled=true</c>; otherwise the route does not exist.
/// </summary>
public static partial class DevTokenEndpoints
{
    public static IEndpointRouteBuilder MapDevTokenEndpoint(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevTokenEndpoints));
        if (!options.DevTokens.Enabled)
        {
            return app;
        }

        if (!environment.IsDevelopment())
        {
            logger.LogWarning("Auth:DevTokens:Enabled is ignored outside the Development environment; /dev/token is not mapped");
            return app;
        }

        logger.LogWarning("Development tokens are enabled: POST /dev/token issues tokens for any user. Never enable this in production");
        app.MapPost("/dev/token", Issue).WithName("IssueDevToken").WithTags("Development").AllowAnonymous();
        return app;
    }

    private static Results<Ok<DevTokenResponse>, ProblemHttpResult> Issue(DevTokenRequest? request, TokenIssuer issuer, IOptions<AuthOptions> options)
    {
        var userId = request?.UserId?.Trim();
        if (string.IsNullOrEmpty(userId) || !UserIdPattern().IsMatch(userId))
        {
            return TypedResults.Problem(title: "Invalid userId", detail: "userId must be 1–64 characters of letters, digits, '.', '_', '@' or '-'.", statusCode: StatusCodes.Status400BadRequest);
        }

        var roles = (request!.Roles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct().ToArray();
        var (token, expires) = issuer.Issue(userId, roles, options.Value.DevTokens.Lifetime);
        return TypedResults.Ok(new DevTokenResponse(token, expires.ToUnixTimeMilliseconds(), userId, roles));
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UserIdPattern();
}
