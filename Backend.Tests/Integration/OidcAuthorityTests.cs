using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Tokens signed by an OIDC authority (discovery document + JWKS) instead of a shared key.</summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private readonly RSA _rsa = RSA.Create(2048);
    private WebApplication? _authority;
    private string _issuer = "";
    private RoleplayHubFactory? _factory;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _authority = builder.Build();
        var key = new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "test-key" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        _authority.MapGet("/.well-known/openid-configuration", (HttpContext http) => Results.Json(new
        {
            issuer = _issuer,
            jwks_uri = $"{_issuer}/jwks",
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        _authority.MapGet("/jwks", () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }));
        await _authority.StartAsync();
        _issuer = _authority.Urls.First();
        _factory = new RoleplayHubFactory()
            .Setting("Auth:SigningKey", null)
            .Setting("Auth:Authority", _issuer)
            .Setting("Auth:Issuer", _issuer)
            .Setting("Auth:RequireHttpsMetadata", "false");
    }

    public async Task DisposeAsync()
    {
        _factory?.Dispose();
        if (_authority is not null)
        {
            await _authority.DisposeAsync();
        }

        _rsa.Dispose();
    }

    [Fact]
    public async Task ATokenSignedByTheAuthorityOpensTheHubAndOneSignedByAnyoneElseDoesNot()
    {
        var valid = Sign(_rsa, _issuer);
        using var impostorKey = RSA.Create(2048);
        var forged = Sign(impostorKey, _issuer);

        var forgedFirst = await NegotiateAsync(forged);
        await using var client = await _factory!.ConnectWithTokenAsync(valid);
        await client.StartAsync(waitForOpening: false);

        Assert.Equal(HttpStatusCode.Unauthorized, forgedFirst);
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(valid));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(forged));
    }

    private async Task<HttpStatusCode> NegotiateAsync(string token)
    {
        using var http = _factory!.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null)).StatusCode;
    }

    private static string Sign(RSA rsa, string issuer)
    {
        // The forger claims the authority's key id. IdentityModel caches signature providers per key id process-wide,
        // and this test signs in the server's process: keep the test's signing out of that cache, or the server would
        // be handed the forger's provider for "test-key" — something only an in-process test can do.
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256)
        {
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "roleplayhub",
            Subject = new ClaimsIdentity([new Claim("sub", "oidc-user")]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = credentials,
        });
    }
}
