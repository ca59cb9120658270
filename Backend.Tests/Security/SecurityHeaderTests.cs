using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.History;
using RoleplayHub.Http;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Browser-side defences on every response: a Content-Security-Policy that allows no inline script, eval, plugins or
/// framing; no MIME sniffing; no Referer (media URLs carry their signature). The pages still work under it: the
/// browser tests (WebClientTests) fail on any violation, and Swagger UI is checked here in Chromium.
/// </summary>
public sealed class SecurityHeaderTests(SharedService service) : IClassFixture<SharedService>
{
    [Theory]
    [InlineData("/", null, HttpStatusCode.OK)]
    [InlineData("/index.html", null, HttpStatusCode.OK)]
    [InlineData("/admin.html", null, HttpStatusCode.OK)]
    [InlineData("/js/roleplay.js", null, HttpStatusCode.OK)]
    [InlineData("/js/pcm16-worklet.js", null, HttpStatusCode.OK)]
    [InlineData("/css/site.css", null, HttpStatusCode.OK)]
    [InlineData("/lib/signalr.min.js", null, HttpStatusCode.OK)]
    [InlineData("/lib/signalr-protocol-msgpack.min.js", null, HttpStatusCode.OK)]
    [InlineData("/healthz", null, HttpStatusCode.OK)]
    [InlineData("/readyz", null, HttpStatusCode.OK)]
    [InlineData("/api/scenarios", "alice", HttpStatusCode.OK)]
    [InlineData("/api/scenarios", null, HttpStatusCode.Unauthorized)]
    [InlineData("/api/stats", "alice", HttpStatusCode.Forbidden)]
    [InlineData("/api/no-such-thing", "alice", HttpStatusCode.NotFound)]
    [InlineData("/api/stats?collect=maybe", "root", HttpStatusCode.BadRequest)]
    [InlineData("/media/avatar/ab/abc.wav?exp=1&sig=x", null, HttpStatusCode.Forbidden)]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url, string? user, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user == "root" ? service.Factory.Token(user, "admin") : service.Factory.Token(user));
        }

        using var response = await service.Http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task AnUnexpectedFailureKeepsTheSecurityHeaders()
    {
        // The exception handler clears the response's headers before it writes the problem.
        using var factory = new RoleplayHubFactory().WithServices(services => services.Replace(ServiceDescriptor.Scoped<HistoryQueries>(
            _ => throw new InvalidOperationException("boom"))));
        using var admin = factory.CreateClient("root", "admin");

        using var response = await admin.GetAsync("/api/admin/history/sessions");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task ThePagesPolicyAllowsNoInlineScriptNoEvalNoPluginsAndNoFraming()
    {
        using var response = await service.Http.GetAsync("/");
        var policy = Directives(response);

        Assert.Equal("'self'", policy["default-src"]);
        Assert.Equal("'self'", policy["script-src"]); // no 'unsafe-inline', no 'unsafe-eval'
        Assert.Equal("'self'", policy["style-src"]);
        Assert.Equal("'none'", policy["object-src"]);
        Assert.Equal("'none'", policy["base-uri"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
    }

    [Fact]
    public void MediaMayComeFromThePublicBaseUrlAndConfiguredOriginsBesidesHttps()
    {
        var policy = ContentSecurityPolicy.ForPages(["http://roleplay.internal:8080/base/", "http://localhost:9000", null]).Value;

        Assert.Contains("media-src 'self' https: http://roleplay.internal:8080 http://localhost:9000;", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void AMediaSourceThatIsNotAnHttpUrlStopsTheStart()
    {
        using var factory = new RoleplayHubFactory().Setting("SecurityHeaders:MediaSources:0", "javascript:alert(1)");

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("SecurityHeaders:MediaSources", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSwaggerUiWorksUnderItsOwnPolicyInDevelopment()
    {
        using var factory = new RoleplayHubFactory().Environment("Development");
        var url = factory.StartOnLoopback();
        var microphone = FakeMicrophoneBrowser.MicrophoneFile(TestAudio.IllDisposed, TimeSpan.FromSeconds(1), factory.DataDirectory);
        await using var browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
        var page = await browser.NewPageAsync();
        await CspViolations.RecordAsync(page);

        var response = await page.GotoAsync($"{url}/swagger");
        await page.WaitForSelectorAsync(".swagger-ui .opblock-summary-path");
        var operations = await page.Locator(".opblock-summary-path").AllTextContentsAsync();

        Assert.Equal("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"].Split("; ")[^1]);
        Assert.Contains("/api/scenarios", operations);
        Assert.Equal("", await CspViolations.ReadAsync(page));
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("'none'", Directives(response)["frame-ancestors"]);
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Single(response, "Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.TryGetValues(name, out var content) ? content : []);
}
