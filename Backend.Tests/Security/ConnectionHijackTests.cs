using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoleplayHub.Hubs.Transport;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: one user acting through a connection another user negotiated (its token leaked through a proxy
/// log, a shared machine, a crafted link).</summary>
public sealed class ConnectionHijackTests : IDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ListLogger<ConnectionOwnership> _log = new();
    private readonly RoleplayHubFactory _factory;

    public ConnectionHijackTests() =>
        _factory = new RoleplayHubFactory().WithServices(services => services.AddSingleton<ILogger<ConnectionOwnership>>(_log));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnotherUserCannotSendOnALongPollingConnectionAndNobodyCanWithoutAToken()
    {
        using var alice = Http("alice");
        using var bob = Http("bob");
        using var anonymous = _factory.CreateClient();
        var token = await NegotiateAsync(alice);
        var handshake = await alice.PostAsync($"/hubs/roleplay?id={token}", Frame("{\"protocol\":\"json\",\"version\":1}"));

        var byBob = await bob.PostAsync($"/hubs/roleplay?id={token}", Frame(StartSession));
        var pollByBob = await bob.GetAsync($"/hubs/roleplay?id={token}");
        var byNobody = await anonymous.PostAsync($"/hubs/roleplay?id={token}", Frame(StartSession));
        var byAlice = await alice.PostAsync($"/hubs/roleplay?id={token}", Frame(StartSession));

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byBob.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pollByBob.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byNobody.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAlice.StatusCode);
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("of user alice by user bob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherUserCannotOpenAWebSocketSomeoneElseNegotiated()
    {
        using var alice = Http("alice");
        var token = await NegotiateAsync(alice);
        var url = new UriBuilder(_factory.Server.BaseAddress) { Scheme = "ws", Path = "/hubs/roleplay", Query = $"id={token}" }.Uri;

        var takeover = await Record.ExceptionAsync(() => WebSocketAsync(url, _factory.Token("bob")));
        using var own = await WebSocketAsync(url, _factory.Token("alice"));

        Assert.NotNull(takeover);
        Assert.Contains("403", takeover.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, own.State);
    }

    private HttpClient Http(string user)
    {
        var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _factory.Token(user));
        return http;
    }

    private static async Task<string> NegotiateAsync(HttpClient http)
    {
        var negotiate = await http.PostAsync("/hubs/roleplay/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString()!;
    }

    private Task<System.Net.WebSockets.WebSocket> WebSocketAsync(Uri url, string token)
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
        return client.ConnectAsync(url, CancellationToken.None);
    }

    private const string StartSession = "{\"type\":1,\"invocationId\":\"1\",\"target\":\"start-session\",\"arguments\":[{\"scenarioId\":\"procurement-price\"}]}";

    private static StringContent Frame(string json) => new(json + RecordSeparator, Encoding.UTF8, "text/plain");
}
