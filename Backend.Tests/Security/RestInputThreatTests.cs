using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;
using RoleplayHub.History;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Bad input to the REST API as the probe sent it: out-of-range dates, values of the wrong type, broken JSON, huge
/// values, routes and methods that do not exist, and a failure inside the service. Each answer is a 4xx problem that
/// names the parameter (or a generic 500 problem), never an exception page or a stack trace, in Development (where
/// ASP.NET Core shows the most) and in Production.
/// </summary>
public sealed class RestInputThreatTests : IDisposable
{
    private readonly List<RoleplayHubFactory> _factories = [];

    public static TheoryData<string> Environments => ["Development", "Production"];

    public static TheoryData<string, string, string> BadlyTypedParameters()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var environment in new[] { "Development", "Production" })
        {
            data.Add(environment, "/api/stats?collect=maybe", "collect");
            data.Add(environment, "/api/stats?turnsSince=abc", "turnsSince");
            data.Add(environment, "/api/stats?eventsSince=99999999999999999999999", "eventsSince");
            data.Add(environment, "/media/avatar/ab/abc.wav?exp=abc&sig=x", "exp");
        }

        return data;
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task AStatsRangeThatUnderflowsIsA400NotA500(string environment)
    {
        using var admin = Admin(environment);

        var response = await admin.GetAsync("/api/admin/history/stats?to=0001-01-05");

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: "\"to\"");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task AStatsRangeThatOverflowsIsA400NotA500(string environment)
    {
        using var admin = Admin(environment);

        var response = await admin.GetAsync("/api/admin/history/stats?from=9999-12-30&to=9999-12-31T23:59:59");

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: "\"to\"");
    }

    [Theory]
    [InlineData("/api/admin/history/sessions?from=0001-01-01", "from")]
    [InlineData("/api/admin/history/sessions?to=9999-12-31T23:59:59", "to")]
    [InlineData("/api/history/sessions?from=0001-01-01", "from")]
    public async Task ASessionListRangeOutsideTheSupportedYearsIsA400(string url, string parameter)
    {
        using var admin = Admin("Development");

        var response = await admin.GetAsync(url);

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: $"\"{parameter}\"");
    }

    [Theory]
    [MemberData(nameof(BadlyTypedParameters))]
    public async Task AValueOfTheWrongTypeIsA400ProblemThatNamesTheParameter(string environment, string url, string parameter)
    {
        using var admin = Admin(environment);

        var response = await admin.GetAsync(url);

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: parameter);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{ "userId": 5 }""")]
    [InlineData("""{ "userId": "alice", "roles": "admin" }""")]
    [InlineData("[]")]
    public async Task ADevTokenRequestWithBadJsonIsA400ProblemWithoutAStackTrace(string json)
    {
        using var http = Factory("Development").Setting("Auth:DevTokens:Enabled", "true").CreateClient();

        var response = await http.PostAsync("/dev/token", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: "request");
    }

    [Fact]
    public async Task ADevTokenRequestThatIsNotJsonAtAllIsA415Problem()
    {
        // Signed in: for anonymous callers the routing's own 415 (and 405) endpoint names no policy, so the fallback
        // answers 401 first.
        using var http = Factory("Development").Setting("Auth:DevTokens:Enabled", "true").CreateClient("alice");

        var response = await http.PostAsync("/dev/token", new StringContent("userId=alice", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/api/admin/history/sessions?status=", "status")]
    [InlineData("/api/admin/history/sessions?from=", "from")]
    [InlineData("/api/admin/history/stats?to=", "to")]
    [InlineData("/api/stats?turnsSince=", "turnsSince")]
    public async Task AHugeBadValueIsNotEchoedBackInFull(string url, string parameter)
    {
        using var admin = Admin("Development");
        var huge = new string('9', 300_000);

        var response = await admin.GetAsync(url + huge);
        var body = await response.Content.ReadAsStringAsync();

        await response.ProblemAsync(HttpStatusCode.BadRequest, naming: parameter);
        Assert.True(body.Length < 2_000, $"a {body.Length}-character answer to a bad value");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task AnUnexpectedFailureIsAGeneric500ProblemWithoutDetails(string environment)
    {
        var factory = Factory(environment).WithServices(services => services.Replace(ServiceDescriptor.Scoped<HistoryQueries>(
            _ => throw new InvalidOperationException("Could not open Server=db;Password=hunter2"))));
        using var admin = factory.CreateClient("root", "admin");

        var response = await admin.GetAsync("/api/admin/history/sessions");
        var body = await response.Content.ReadAsStringAsync();

        await response.ProblemAsync(HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureBeforeTheExceptionHandlerShowsNoDeveloperExceptionPage()
    {
        // Routing runs ahead of the pipeline's exception handler, right behind the developer exception page: a route
        // constraint that throws fails there.
        var factory = Factory("Development").WithServices(services =>
            services.Configure<RouteOptions>(routes => routes.ConstraintMap["guid"] = typeof(ThrowingConstraint)));
        using var trainee = factory.CreateClient("alice");

        var response = await trainee.GetAsync($"/api/history/sessions/{Guid.NewGuid()}");
        var body = await response.Content.ReadAsStringAsync();

        await response.ProblemAsync(HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task AnUnknownApiRouteIsA404Problem(string environment)
    {
        using var trainee = Factory(environment).CreateClient("alice");

        await (await trainee.GetAsync("/api/no-such-thing")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task AMethodARouteDoesNotTakeIsA405Problem(string environment)
    {
        using var trainee = Factory(environment).CreateClient("alice");

        await (await trainee.DeleteAsync("/api/scenarios")).ProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task InProductionWwwAuthenticateDoesNotSayWhyATokenFailed()
    {
        using var http = Factory("Production").CreateClient();
        var expired = ForgedTokens.Hmac(Expired());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        var response = await http.GetAsync("/api/scenarios");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task InDevelopmentWwwAuthenticateSaysWhyATokenFailed()
    {
        var factory = Factory("Development");
        using var http = factory.CreateClient();
        // appsettings.Development.json has its own key: sign with the one in use, so expiry is the only fault.
        var key = Encoding.UTF8.GetBytes(factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value.SigningKey!);
        var expired = ForgedTokens.Hmac(Expired(), key: key);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        var response = await http.GetAsync("/api/scenarios");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", Assert.Single(response.Headers.WwwAuthenticate).ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> Expired()
    {
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        return ForgedTokens.Claims().With("exp", hourAgo).With("nbf", hourAgo - 3600).With("iat", hourAgo - 3600);
    }

    private RoleplayHubFactory Factory(string environment)
    {
        var factory = new RoleplayHubFactory().Environment(environment);
        _factories.Add(factory);
        return factory;
    }

    private HttpClient Admin(string environment) => Factory(environment).CreateClient("root", "admin");

    private sealed class ThrowingConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            throw new InvalidOperationException("Could not open Server=db;Password=hunter2");
    }
}
