using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

public sealed class HubAuthTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task NegotiateWithoutTokenIsUnauthorized()
    {
        using var http = _factory.CreateClient();

        var response = await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task AConnectionWithoutTokenIsRefused(HttpTransportType transport)
    {
        await RefusedAsync(null, transport);
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task TokenSignedWithAnotherKeyIsRefused(HttpTransportType transport)
    {
        var forged = Sign("mallory", "a-completely-different-signing-key-0123456789", DateTime.UtcNow.AddMinutes(10));

        await RefusedAsync(forged, transport);
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(forged));
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task ExpiredTokenIsRefused(HttpTransportType transport)
    {
        var expired = Sign("alice", RoleplayHubFactory.SigningKey, DateTime.UtcNow.AddMinutes(-10));

        await RefusedAsync(expired, transport);
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(expired));
    }

    [Fact]
    public async Task TokenForAnotherAudienceIsRefused()
    {
        var token = Sign("alice", RoleplayHubFactory.SigningKey, DateTime.UtcNow.AddMinutes(10), audience: "some-other-service");

        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(token));
    }

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task AValidTokenConnectsAndStartsASession(HttpTransportType transport)
    {
        await using var client = await _factory.ConnectAsync("alice", new HubClientOptions(transport));

        var sessionId = await client.StartAsync(); // the persona's opening line arrives over this transport too

        Assert.Equal(sessionId, client.EventsNamed("session-started").Single().Str("sessionId"));
    }

    [Fact]
    public async Task NegotiateWithAValidTokenOffersAllTransports()
    {
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _factory.Token("alice"));

        var negotiate = await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null);
        var body = await negotiate.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Contains("WebSockets", body);
        Assert.Contains("ServerSentEvents", body);
        Assert.Contains("LongPolling", body);
    }

    [Fact]
    public async Task AccessTokenInQueryStringIsIgnoredOutsideTheHub()
    {
        using var http = _factory.CreateClient();

        var response = await http.GetAsync($"/api/scenarios?access_token={_factory.Token("alice")}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>A client with <paramref name="token"/> cannot connect, and the server said why: 401. Over WebSockets the
    /// client skips negotiate, so the refusal comes from the upgrade request itself; Server-Sent Events and long polling
    /// always negotiate first, and that is where the token is refused.</summary>
    private async Task RefusedAsync(string? token, HttpTransportType transport)
    {
        var options = new HubClientOptions(transport, SkipNegotiation: transport == HttpTransportType.WebSockets);

        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => _factory.ConnectWithTokenAsync(token, options));

        Assert.Contains("401", refusal.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> NegotiateAsync(string token)
    {
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null)).StatusCode;
    }

    [Fact]
    public async Task AValidatedTokenLeavesItsClaimsAndNotTheParsedTokenForTheConnectionToKeep()
    {
        // A WebSocket's request keeps its authentication result as long as it lives: the principal must not hold the
        // parsed token and its second list of claims, only what the service reads (the subject, the roles, the expiry).
        using var scope = _factory.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Path = "/api/scenarios";
        context.Request.Headers.Authorization = "Bearer " + _factory.Token("alice", "admin");

        var result = await context.AuthenticateAsync();

        Assert.True(result.Succeeded);
        var identity = Assert.IsType<ClaimsIdentity>(result.Principal!.Identity, exactMatch: true);
        Assert.Equal("alice", identity.Name);
        Assert.True(result.Principal.IsInRole("admin"));
        Assert.Single(identity.Claims, claim => claim.Type == "sub");
        Assert.All(identity.Claims, claim => Assert.Same(identity, claim.Subject));
        Assert.NotNull(result.Properties!.ExpiresUtc); // what CloseOnAuthenticationExpiration reads
    }

    private static string Sign(string user, string key, DateTime expires, string audience = "roleplayhub")
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "roleplayhub",
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            SigningCredentials = credentials,
        });
    }
}
