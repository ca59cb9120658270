using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>
/// Garbage sent to every call of a live session over HTTP — random bytes and broken JSON under every content type,
/// nonsense offsets and <c>Last-Event-ID</c>s, bodies far over the limits, ids that are not ids — is answered with a
/// 4xx problem carrying one of the hub's codes, never a 500, an exception page or a dropped service; the session
/// under attack still works afterwards.
/// </summary>
public sealed class LiveHttpInputThreatTests : IDisposable
{
    private static readonly string[] ContentTypes = ["application/json", "application/octet-stream", "text/plain", "application/x-www-form-urlencoded", ""];

    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TwoHundredRandomCallsGetProblemsWithHubCodesAndNeverA500()
    {
        using var http = _factory.CreateClient("mallory");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var random = new Random(18);
        var ids = new[] { sessionId, "no-such-session", "a%20b", new string('x', 300), ".." };
        var answers = new Dictionary<int, int>();

        for (var i = 0; i < 200; i++)
        {
            using var request = RandomCall(random, ids[random.Next(ids.Length)]);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var stream = response.Content.Headers.ContentType?.MediaType == "text/event-stream"; // a fair request: left open
            var body = stream ? "" : await response.Content.ReadAsStringAsync();
            answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;

            Assert.True((int)response.StatusCode < 500, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            ProblemAssert.NoInternals(body);
            if ((int)response.StatusCode >= 400 && body.Length > 0)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        await using var events = await http.EventsAsync(sessionId); // the session under attack still works
        await events.WaitForAsync("session-started");
        Assert.True(answers.Keys.Count(status => status >= 400) >= 3, string.Join(", ", answers.Select(a => $"{a.Key}×{a.Value}")));
    }

    private static HttpRequestMessage RandomCall(Random random, string id)
    {
        var url = $"{LiveHttpTestKit.Sessions}/{id}";
        var (method, path) = random.Next(7) switch
        {
            0 => (HttpMethod.Post, LiveHttpTestKit.Sessions),
            1 => (HttpMethod.Post, $"{url}/audio"),
            2 => (HttpMethod.Post, $"{url}/commit"),
            3 => (HttpMethod.Post, $"{url}/retry"),
            4 => (HttpMethod.Post, $"{url}/playback"),
            5 => (HttpMethod.Delete, url + "x"),
            _ => (HttpMethod.Get, $"{url}/events"),
        };

        var request = new HttpRequestMessage(method, path + (random.Next(3) == 0 ? $"?offset={RandomText(random, 8)}&lastEventId={RandomText(random, 8)}" : ""));
        if (random.Next(2) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Audio-Offset", random.Next(2) == 0 ? random.NextInt64(-10, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture) : RandomText(random, 12));
            request.Headers.TryAddWithoutValidation("Last-Event-ID", random.Next(2) == 0 ? "-1" : RandomText(random, 12));
        }

        if (method != HttpMethod.Get)
        {
            var content = new ByteArrayContent(RandomBody(random));
            var type = ContentTypes[random.Next(ContentTypes.Length)];
            if (type.Length > 0)
            {
                content.Headers.ContentType = new MediaTypeHeaderValue(type);
            }

            request.Content = content;
        }

        return request;
    }

    private static byte[] RandomBody(Random random) => random.Next(6) switch
    {
        0 => [],
        1 => Encoding.UTF8.GetBytes("""{ "scenarioId": "procurement-price", "audioFormat": { "encoding": 7 }, "turn": -1 """),
        2 => Encoding.UTF8.GetBytes($$"""{ "audioData": "{{RandomText(random, 40)}}", "offset": {{random.Next(-5, 100_000)}}, "turn": "x", "segment": [] }"""),
        3 => JsonSerializer.SerializeToUtf8Bytes(new { scenarioId = RandomText(random, 2_000), sessionId = RandomText(random, 80), lastSeq = -3 }),
        4 => new byte[random.Next(60_000, 400_000)],
        _ => RandomBytes(random, random.Next(1, 5_000)),
    };

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private const string Alphabet = "ab7-_:{}\"\\é€ \n";

    private static string RandomText(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
}
