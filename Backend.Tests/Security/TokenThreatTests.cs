using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Forged, damaged and misused bearer tokens. None may open an authenticated REST endpoint (<c>/api/scenarios</c>) or
/// the hub's negotiate: each is checked against both. A valid token is checked the same way first, so a broken harness
/// cannot pass by refusing everything.
/// </summary>
public sealed class TokenThreatTests(SharedService service) : IClassFixture<SharedService>
{
    private const string Api = "/api/scenarios";
    private const string Negotiate = "/hubs/roleplay/negotiate?negotiateVersion=1";

    [Fact]
    public async Task AValidTokenIsAcceptedByBoth()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, Api, ForgedTokens.Valid()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Post, Negotiate, ForgedTokens.Valid()));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("..")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("%00%01%02")]
    public async Task AMalformedTokenIsRefused(string token) => await AssertRefusedAsync(token);

    [Fact]
    public async Task AValidTokenWithItsSignatureCutOffIsRefused()
    {
        var token = ForgedTokens.Valid();
        await AssertRefusedAsync(token[..(token.LastIndexOf('.') + 1)]);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task ATokenWithAlgNoneIsRefused(string alg)
    {
        var unsigned = ForgedTokens.Encode(new { alg, typ = "JWT" }, ForgedTokens.Claims(), _ => []);
        await AssertRefusedAsync(unsigned);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRefused() =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims(), key: Encoding.UTF8.GetBytes("a-completely-different-signing-key-0123456789")));

    [Fact]
    public async Task ATokenFromAnotherIssuerIsRefused() =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims().With("iss", "https://evil.example.com")));

    [Fact]
    public async Task ATokenForAnotherAudienceIsRefused() =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims().With("aud", "some-other-service")));

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(); // beyond the 30 s clock skew
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims().With("exp", past).With("nbf", past - 3600).With("iat", past - 3600)));
    }

    [Fact]
    public async Task ATokenNotYetValidIsRefused()
    {
        var future = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims().With("nbf", future).With("exp", future + 3600)));
    }

    [Fact]
    public async Task ATokenWithoutAnExpiryIsRefused() =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims().Without("exp")));

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task ATokenSignedWithAnotherHmacAlgorithmAndTheSameSecretIsRefused(string alg) =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims(), alg));

    [Fact]
    public async Task AnRs256TokenSignedWithTheSecretAsIfItWereThePublicKeyIsRefused() =>
        // Algorithm confusion: a verifier that takes the key for whatever alg the header names would check this
        // "RSA" signature as an HMAC with the shared secret.
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims(), alg: "RS256"));

    [Fact]
    public async Task AnRs256TokenSignedWithAnUnknownRsaKeyIsRefused()
    {
        using var rsa = RSA.Create(2048);
        var token = ForgedTokens.Encode(new { alg = "RS256", typ = "JWT" }, ForgedTokens.Claims(), input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        await AssertRefusedAsync(token);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task ATokenWithAnEmptySubjectIsRefused(string subject) =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims(subject)));

    [Fact]
    public async Task ATokenWithoutASubjectIsRefused() =>
        await AssertRefusedAsync(ForgedTokens.Hmac(ForgedTokens.Claims(subject: null)));

    [Fact]
    public async Task AThousandRandomBitFlipsOfAValidTokenAreAllRefused()
    {
        var valid = ForgedTokens.Valid();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, Api, valid));
        var random = new Random(20_260_101); // fixed: a failure names a token that can be reproduced
        var accepted = new List<string>();

        for (var i = 0; i < 1_000; i++)
        {
            var flipped = ForgedTokens.FlipOneBit(valid, random);
            Assert.NotEqual(valid, flipped);
            if (await StatusAsync(HttpMethod.Get, Api, flipped) != HttpStatusCode.Unauthorized)
            {
                accepted.Add(flipped);
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void TheBitFlipsCoverEverySegment()
    {
        var valid = ForgedTokens.Valid();
        var random = new Random(20_260_101);
        var changed = new HashSet<int>();
        for (var i = 0; i < 1_000; i++)
        {
            var (before, after) = (valid.Split('.'), ForgedTokens.FlipOneBit(valid, random).Split('.'));
            changed.UnionWith(Enumerable.Range(0, 3).Where(s => !WebEncoders.Base64UrlDecode(before[s]).SequenceEqual(WebEncoders.Base64UrlDecode(after[s]))));
        }

        Assert.Equal([0, 1, 2], changed.Order());
    }

    private async Task AssertRefusedAsync(string token)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, Api, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Post, Negotiate, token));
    }

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string url, string token)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        using var response = await service.Http.SendAsync(request);
        return response.StatusCode;
    }
}
