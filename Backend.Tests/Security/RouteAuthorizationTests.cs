using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using RoleplayHub.Auth;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Every route of the service, read from its endpoint table: each one names its authorization, or is on the allow-list
/// of anonymous endpoints below with the reason. A new route without either fails here. Anonymous callers are refused
/// by every other route, trainees by every admin route, and a route that names no policy gets the fallback: a signed-in
/// user with a subject (deny by default). Cross-user access to a session is <c>HistoryTests.AUserSeesOnlyTheirOwnSessionsAndAnotherUsersIsNotFound</c>.
/// </summary>
public sealed class RouteAuthorizationTests : IDisposable
{
    /// <summary>The anonymous endpoints, by route pattern, and why each may be.</summary>
    private static readonly Dictionary<string, string> AnonymousAllowList = new()
    {
        ["/healthz"] = "liveness, for load balancers and orchestrators",
        ["/readyz"] = "readiness, for load balancers and orchestrators; says which provider is down, nothing more",
        ["/media/{**key}"] = "the signed, expiring URL is the capability: an <audio> element cannot send a bearer token",
        ["/dev/token"] = "Development with Auth:DevTokens:Enabled only: mints tokens to try the service",
        ["/openapi/{documentName}.json"] = "Development only: the API description",
        ["/swagger/{**path}"] = "Development only: Swagger UI",
    };

    private readonly List<RoleplayHubFactory> _factories = [];

    public static TheoryData<string> Environments => ["Testing", "Development"];

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void EveryEndpointNamesItsAuthorizationOrIsOnTheAnonymousAllowList(string environment)
    {
        var endpoints = Endpoints(Factory(environment));

        var unprotected = endpoints.Where(e => !IsAnonymous(e) && !NamesAuthorization(e)).Select(Describe).ToList();
        var anonymousUnlisted = endpoints.Where(e => IsAnonymous(e) && !AnonymousAllowList.ContainsKey(e.RoutePattern.RawText!)).Select(Describe).ToList();

        Assert.True(unprotected.Count == 0, $"Endpoints without authorization (add RequireAuthorization, or AllowAnonymous and the allow-list): {string.Join(", ", unprotected)}");
        Assert.True(anonymousUnlisted.Count == 0, $"Anonymous endpoints not on the allow-list: {string.Join(", ", anonymousUnlisted)}");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/scenarios"); // the table is the real one
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/hubs/roleplay/negotiate");
    }

    [Fact]
    public void InDevelopmentEveryAllowListedEndpointExists()
    {
        var patterns = Endpoints(Factory("Development")).Select(e => e.RoutePattern.RawText).ToHashSet();

        Assert.All(AnonymousAllowList.Keys, pattern => Assert.Contains(pattern, patterns));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task EveryEndpointOffTheAllowListRefusesAnonymousCallers(string environment)
    {
        var factory = Factory(environment);
        using var anonymous = factory.CreateClient();
        var admitted = new List<string>();

        foreach (var endpoint in Endpoints(factory).Where(e => !IsAnonymous(e)))
        {
            using var response = await anonymous.SendAsync(Request(endpoint));
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                admitted.Add($"{Describe(endpoint)}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(admitted);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task EveryAdminEndpointForbidsATrainee(string environment)
    {
        var factory = Factory(environment);
        using var trainee = factory.CreateClient("alice");
        var admin = Endpoints(factory).Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthPolicies.Admin)).ToList();
        var admitted = new List<string>();

        foreach (var endpoint in admin)
        {
            using var response = await trainee.SendAsync(Request(endpoint));
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                admitted.Add($"{Describe(endpoint)}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(admitted);
        Assert.Equal(
            ["/api/admin/history/scores", "/api/admin/history/sessions", "/api/admin/history/sessions/{id:guid}",
                "/api/admin/history/sessions/{id:guid}/export", "/api/admin/history/sessions/{id:guid}/report",
                "/api/admin/history/sessions/{id:guid}/report.html", "/api/admin/history/stats", "/api/admin/history/users/{userId}/sessions",
                "/api/admin/notices", "/api/admin/scenarios/reload", "/api/admin/sessions/{sessionId}", "/api/admin/users/{userId}/kick", "/api/stats", "/metrics"],
            admin.Select(e => e.RoutePattern.RawText!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheFallbackPolicyRefusesAnonymousUsersAndTokensWithoutASubject()
    {
        var factory = Factory("Testing");
        _ = factory.Server;
        var fallback = await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetFallbackPolicyAsync();
        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();
        Task<bool> AllowsAsync(ClaimsPrincipal user) => authorization.AuthorizeAsync(user, null, fallback!).ContinueWith(t => t.Result.Succeeded, TaskScheduler.Default);
        static ClaimsPrincipal Authenticated(params Claim[] claims) => new(new ClaimsIdentity(claims, "Bearer"));

        Assert.NotNull(fallback);
        Assert.False(await AllowsAsync(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.False(await AllowsAsync(Authenticated()));
        Assert.False(await AllowsAsync(Authenticated(new Claim("sub", ""))));
        Assert.False(await AllowsAsync(Authenticated(new Claim("sub", " "))));
        Assert.True(await AllowsAsync(Authenticated(new Claim("sub", "alice"))));
    }

    [Theory]
    [InlineData("/api/no-such-thing", null)]
    [InlineData("/api/no-such-thing", "alice")]
    [InlineData("/no-such-page", null)]
    [InlineData("/dev/token", null)]
    public async Task ARequestThatMatchesNoRouteIsA404SignedInOrNot(string url, string? user)
    {
        var factory = Factory("Testing");
        using var http = user is null ? factory.CreateClient() : factory.CreateClient(user);

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin.html")]
    [InlineData("/js/roleplay.js")]
    [InlineData("/js/admin.js")]
    [InlineData("/js/pcm16-worklet.js")]
    [InlineData("/css/site.css")]
    [InlineData("/lib/signalr.min.js")]
    [InlineData("/lib/signalr-protocol-msgpack.min.js")]
    public async Task ThePagesLoadWithoutAToken(string url)
    {
        using var anonymous = Factory("Testing").CreateClient();

        using var response = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task InDevelopmentTheApiDescriptionLoadsWithoutAToken(string url)
    {
        using var anonymous = Factory("Development").CreateClient();

        using var response = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private RoleplayHubFactory Factory(string environment)
    {
        var factory = new RoleplayHubFactory().Environment(environment).Setting("Auth:DevTokens:Enabled", environment == "Development" ? "true" : "false");
        _factories.Add(factory);
        return factory;
    }

    private static List<RouteEndpoint> Endpoints(RoleplayHubFactory factory)
    {
        _ = factory.Server; // builds the app, and with it the endpoint table
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    private static bool IsAnonymous(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    private static bool NamesAuthorization(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null;

    private static string Describe(RouteEndpoint endpoint) =>
        $"{string.Join('|', endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])} {endpoint.RoutePattern.RawText}";

    /// <summary>A request the endpoint matches: its first method, its parameters filled in (a GUID where the
    /// constraint asks for one).</summary>
    private static HttpRequestMessage Request(RouteEndpoint endpoint)
    {
        var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart => "x",
            _ => "",
        })));
        var request = new HttpRequestMessage(new HttpMethod(method), "/" + string.Join('/', segments));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
