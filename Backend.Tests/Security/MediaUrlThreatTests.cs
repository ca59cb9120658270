using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoleplayHub.Storage;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Local media URLs (<c>/media/{key}?exp=…&amp;sig=…</c>) are capabilities anyone may hold until they expire. A holder
/// must not stretch one: another key, a later expiry, a changed or missing signature, an expired URL are refused. And
/// no URL — not even one signed with the service's own key — reaches a file outside the media folder.
/// </summary>
public sealed class MediaUrlThreatTests : IAsyncLifetime
{
    private const string Canary = "CANARY-outside-the-media-folder-7f3a";

    private readonly RoleplayHubFactory _factory = new();
    private HttpClient _http = null!;
    private string _url = "";
    private StoredMedia _first = null!;
    private StoredMedia _second = null!;

    private static readonly byte[] FirstBytes = Encoding.ASCII.GetBytes("RIFF-first-media-file");

    private MediaUrlSigner Signer => _factory.Services.GetRequiredService<MediaUrlSigner>();

    public async Task InitializeAsync()
    {
        _url = _factory.StartOnLoopback(); // a real socket, for the raw requests below
        _http = _factory.CreateClient();
        var store = _factory.Services.GetRequiredService<IMediaStore>();
        _first = await store.SaveAsync(FirstBytes, MediaKind.AvatarAudio, "wav", default);
        _second = await store.SaveAsync(Encoding.ASCII.GetBytes("RIFF-second-media-file"), MediaKind.UserAudio, "wav", default);
        await File.WriteAllTextAsync(Path.Combine(_factory.DataDirectory, "secret.txt"), Canary);
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AValidSignedUrlServesTheFile()
    {
        using var response = await _http.GetAsync(Signer.Sign(_first.Key, null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FirstBytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AUrlWhoseKeyWasChangedIsRefused()
    {
        var (_, exp, sig) = Parts(Signer.Sign(_first.Key, null));

        await AssertRefusedAsync($"/media/{_second.Key}?exp={exp}&sig={sig}");
    }

    [Fact]
    public async Task AUrlWhoseExpiryWasChangedIsRefused()
    {
        var (key, exp, sig) = Parts(Signer.Sign(_first.Key, null));

        await AssertRefusedAsync($"/media/{key}?exp={long.Parse(exp, System.Globalization.CultureInfo.InvariantCulture) + 86_400}&sig={sig}");
        await AssertRefusedAsync($"/media/{key}?exp={long.MaxValue}&sig={sig}");
    }

    [Fact]
    public async Task AUrlWhoseSignatureWasChangedIsRefused()
    {
        var (key, exp, sig) = Parts(Signer.Sign(_first.Key, null));
        var (_, _, otherSig) = Parts(Signer.Sign(_second.Key, null));

        await AssertRefusedAsync($"/media/{key}?exp={exp}&sig={(sig[0] == 'A' ? 'B' : 'A')}{sig[1..]}");
        await AssertRefusedAsync($"/media/{key}?exp={exp}&sig={sig[..^1]}");
        await AssertRefusedAsync($"/media/{key}?exp={exp}&sig={sig}A");
        await AssertRefusedAsync($"/media/{key}?exp={exp}&sig={otherSig}");
    }

    [Fact]
    public async Task AUrlWithoutItsSignatureOrExpiryIsRefused()
    {
        var (key, exp, sig) = Parts(Signer.Sign(_first.Key, null));

        await AssertRefusedAsync($"/media/{key}?exp={exp}");
        await AssertRefusedAsync($"/media/{key}?exp={exp}&sig=");
        await AssertRefusedAsync($"/media/{key}?sig={sig}");
        await AssertRefusedAsync($"/media/{key}");
    }

    [Fact]
    public async Task AnExpiredUrlIsRefused()
    {
        using var factory = new RoleplayHubFactory();
        var clock = factory.UseManualTime();
        using var http = factory.CreateClient();
        var media = await factory.Services.GetRequiredService<IMediaStore>().SaveAsync(FirstBytes, MediaKind.AvatarAudio, "wav", default);
        var url = factory.Services.GetRequiredService<MediaUrlSigner>().Sign(media.Key, null);
        var lifetime = factory.Services.GetRequiredService<IOptions<MediaOptions>>().Value.UrlLifetime;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);

        clock.Advance(lifetime + TimeSpan.FromSeconds(1));
        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("RIFF", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Sent byte for byte to Kestrel over a socket (an HTTP client would normalise the path first), each signed with
    /// the service's own key for every reading of the key the server might make — so the signature is not what stops
    /// it: the store's path check is.
    /// </summary>
    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("../keys/media-signing.key")]
    [InlineData("%2e%2e/secret.txt")]
    [InlineData("%2e%2e%2fsecret.txt")]
    [InlineData("%2E%2E%2Fkeys%2Fmedia-signing.key")]
    [InlineData("..%2fsecret.txt")]
    [InlineData("avatar/../../secret.txt")]
    [InlineData("avatar/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("avatar%2f..%2f..%2fsecret.txt")]
    [InlineData("%252e%252e%252fsecret.txt")]
    [InlineData("..%5csecret.txt")]
    [InlineData("..\\secret.txt")]
    [InlineData("avatar\\..\\..\\secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("%2fetc%2fpasswd")]
    [InlineData("/{data}/secret.txt")]
    [InlineData("C:%5cWindows%5cwin.ini")]
    public async Task APathOutsideTheMediaFolderIsRefusedEvenWithAValidSignature(string attack)
    {
        var path = attack.Replace("{data}", _factory.DataDirectory.TrimStart('/'), StringComparison.Ordinal);
        var signingKey = File.ReadAllText(Path.Combine(_factory.DataDirectory, "keys", "media-signing.key")).Trim();

        foreach (var reading in Readings(path))
        {
            var (_, exp, sig) = Parts(Signer.Sign(reading, null));
            var (status, body) = await RawGetAsync(_url, $"/media/{path}?exp={exp}&sig={Uri.EscapeDataString(sig)}");

            Assert.True(status is >= 400 and < 500, $"/media/{path} (signed as '{reading}'): {status}");
            Assert.DoesNotContain(Canary, body, StringComparison.Ordinal);
            Assert.DoesNotContain(signingKey, body, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        }
    }

    /// <summary>The key as sent, fully percent-decoded, and decoded except %2F (what Kestrel does).</summary>
    private static IEnumerable<string> Readings(string path) => new[]
    {
        path,
        Uri.UnescapeDataString(path),
        Uri.UnescapeDataString(path.Replace("%2f", "%252f", StringComparison.Ordinal).Replace("%2F", "%252F", StringComparison.Ordinal)),
    }.Distinct();

    private async Task AssertRefusedAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url}: {(int)response.StatusCode}");
        Assert.DoesNotContain("RIFF", body, StringComparison.Ordinal);
    }

    private static (string Key, string Exp, string Sig) Parts(string url)
    {
        var uri = new Uri(new Uri("http://host"), url);
        var query = HttpUtility.ParseQueryString(uri.Query);
        return (uri.AbsolutePath["/media/".Length..], query["exp"]!, query["sig"]!);
    }

    private static async Task<(int Status, string Body)> RawGetAsync(string baseUrl, string target)
    {
        var server = new Uri(baseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
