using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
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

    [Fact]
    public async Task WebSocketWithoutTokenIsRefused()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => _factory.ConnectWithTokenAsync(null));
    }

    [Fact]
    public async Task TokenSignedWithAnotherKeyIsRefused()
    {
        var forged = Sign("mallory", "a-completely-different-signing-key-0123456789", DateTime.UtcNow.AddMinutes(10));

        await Assert.ThrowsAnyAsync<Exception>(() => _factory.ConnectWithTokenAsync(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(forged));
    }

    [Fact]
    public async Task ExpiredTokenIsRefused()
    {
        var expired = Sign("alice", RoleplayHubFactory.SigningKey, DateTime.UtcNow.AddMinutes(-10));

        await Assert.ThrowsAnyAsync<Exception>(() => _factory.ConnectWithTokenAsync(expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(expired));
    }

    [Fact]
    public async Task TokenForAnotherAudienceIsRefused()
    {
        var token = Sign("alice", RoleplayHubFactory.SigningKey, DateTime.UtcNow.AddMinutes(10), audience: "some-other-service");

        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(token));
    }

    [Fact]
    public async Task ValidTokenConnectsOverWebSocketAndNegotiateOffersAllTransports()
    {
        await using var client = await _factory.ConnectAsync("alice");
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

    private async Task<HttpStatusCode> NegotiateAsync(string token)
    {
        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null)).StatusCode;
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
