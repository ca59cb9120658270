using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoleplayHub.History;
using RoleplayHub.Storage;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>What admins do with the history's data: export a session, erase a user's sessions, let old ones expire —
/// with the local media store (the OSS and S3 stores: <c>CloudMediaLifecycleTests</c>).</summary>
public sealed class HistoryLifecycleTests : IDisposable
{
    private readonly ListLoggerProvider _audit = new(HistoryAudit.Category);
    private readonly RoleplayHubFactory _factory;

    // The latency model's speech is the same clip for every sentence, so sessions share their avatar media.
    public HistoryLifecycleTests() =>
        _factory = new RoleplayHubFactory().WithEchoSpeech()
            .Setting("Tts:Provider", "latency-model").Setting("LatencyModel:TtsDelay", "00:00:00.010")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(_audit));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnAdminExportsASessionAsJsonWithSignedLinksAndAsAZipWithItsAudio()
    {
        using var admin = _factory.CreateClient("root", "admin");
        var id = await EndedSessionAsync("alice", "what is the price");

        using var json = await admin.GetAsync($"/api/admin/history/sessions/{id}/export");
        var detail = await json.Content.ReadFromJsonAsync<JsonElement>();
        using var zipped = await admin.GetAsync($"/api/admin/history/sessions/{id}/export?format=zip");
        using var zip = new ZipArchive(await zipped.Content.ReadAsStreamAsync());
        var inside = JsonDocument.Parse(zip.GetEntry("session.json")!.Open()).RootElement;

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("attachment", json.Content.Headers.ContentDisposition?.DispositionType);
        var userAudio = detail.GetProperty("turns")[1].Str("userAudioUrl")!;
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(userAudio)).StatusCode);
        Assert.Equal("application/zip", zipped.Content.Headers.ContentType?.MediaType);
        var links = inside.GetProperty("turns").EnumerateArray()
            .SelectMany(t => t.GetProperty("avatarSegments").EnumerateArray().Select(s => s.Str("audioUrl")!).Append(t.Str("userAudioUrl")))
            .OfType<string>().ToList();
        var original = detail.GetProperty("turns").EnumerateArray().Sum(t => t.GetProperty("avatarSegments").GetArrayLength() + (t.Str("userAudioUrl") is null ? 0 : 1));
        Assert.Equal(original, links.Count); // the opening line, the recording, the reply's sentences
        Assert.True(links.Count >= 3);
        var root = _factory.Services.GetRequiredService<LocalMediaStore>().Root;
        foreach (var link in links)
        {
            Assert.StartsWith("media/", link, StringComparison.Ordinal);
            using var entry = new MemoryStream();
            await zip.GetEntry(link)!.Open().CopyToAsync(entry);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(root, link["media/".Length..])), entry.ToArray());
        }
    }

    [Theory]
    [InlineData("?format=pdf", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.NotFound)]
    [InlineData("?format=zip", HttpStatusCode.NotFound)]
    public async Task AnExportOfAnUnknownFormatOrSessionIsAProblemNotAnError(string query, HttpStatusCode status)
    {
        using var admin = _factory.CreateClient("root", "admin");

        using var response = await admin.GetAsync($"/api/admin/history/sessions/{Guid.NewGuid()}/export{query}");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TraineesCanNeitherExportNorErase()
    {
        using var trainee = _factory.CreateClient("alice");
        var id = await EndedSessionAsync("alice", "what is the price");

        var export = await trainee.GetAsync($"/api/admin/history/sessions/{id}/export");
        var erase = await trainee.DeleteAsync("/api/admin/history/users/alice/sessions");

        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, erase.StatusCode);
    }

    [Fact]
    public async Task ErasingAUsersSessionsRemovesTheirRowsAndTheMediaOnlyTheyUsedAndIsAudited()
    {
        using var admin = _factory.CreateClient("root", "admin");
        var alices = await EndedSessionAsync("alice", "what is the price");
        var bobs = await EndedSessionAsync("bob", "what is the price");
        var alice = await admin.DetailAsync(alices);
        var bob = await admin.DetailAsync(bobs);
        await using var open = await _factory.ConnectAsync("alice");
        var openSession = await open.StartAsync();
        await admin.SessionAsync(openSession);

        using var response = await admin.DeleteAsync("/api/admin/history/users/alice/sessions");
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var left = (await admin.GetFromJsonAsync<JsonElement>($"{HistoryTestKit.AdminSessions}?userId=alice")).Items();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, result.Int("sessions"));
        Assert.Equal(2, result.Int("turns"));
        var shared = Keys(alice).Intersect(Keys(bob)).ToList();
        Assert.NotEmpty(shared); // the persona's speech, the same clip in both sessions: one content-addressed file
        Assert.DoesNotContain(shared, key => key.StartsWith("/media/user/", StringComparison.Ordinal)); // the same words, yet each recording its own
        Assert.Equal(Keys(alice).Count - shared.Count, result.Int("mediaDeleted"));
        Assert.Equal(shared.Count, result.Int("mediaShared"));
        Assert.Equal(1, result.Int("skippedOpenSessions"));
        Assert.Equal([openSession], left.Select(s => s.Str("sessionId")));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{alices}")).StatusCode);
        foreach (var url in Urls(alice).Where(u => !Keys(bob).Contains(new Uri(u).AbsolutePath)))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(url)).StatusCode);
        }

        foreach (var url in Urls(bob))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(url)).StatusCode);
        }
        Assert.Contains(_audit.Messages, m => m.StartsWith("RoleplayHub.Audit[9001]: ", StringComparison.Ordinal) && m.Contains($"session {alices} (", StringComparison.Ordinal) && m.Contains("of user alice with 2 turns erased by root (admin request)", StringComparison.Ordinal));
        Assert.Contains(_audit.Messages, m => m.StartsWith("RoleplayHub.Audit[9002]: Audit: erased user alice by root", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErasingAUserWithNoSessionsErasesNothingAndSaysSo()
    {
        using var admin = _factory.CreateClient("root", "admin");

        var result = await (await admin.DeleteAsync("/api/admin/history/users/nobody/sessions")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, result.Int("sessions"));
        Assert.Contains(_audit.Messages, m => m.Contains("erased user nobody by root (admin request): 0 sessions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRetentionErasesOnlySessionsThatEndedBeforeTheCutoff()
    {
        using var admin = _factory.CreateClient("root", "admin");
        var old = await EndedSessionAsync("alice", "what is the price");
        var cutoff = DateTime.UtcNow;
        var recent = await EndedSessionAsync("bob", "tell me about delivery");

        var result = await _factory.Services.GetRequiredService<HistoryEraser>().EraseEndedBeforeAsync(cutoff, CancellationToken.None);

        Assert.Equal(1, result.Sessions);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{old}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{HistoryTestKit.AdminSessions}/{recent}")).StatusCode);
        Assert.Contains(_audit.Messages, m => m.Contains("by History:Retention (retention): 1 sessions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:30", "History:Retention must be at least a minute")]
    [InlineData(null, null)]
    public void TheRetentionIsUnsetOrAtLeastAMinute(string? retention, string? problem)
    {
        var options = new HistoryOptions { Retention = retention is null ? null : TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new ValidateHistoryOptions().Validate(null, options);

        Assert.Equal(problem is null, result.Succeeded);
        if (problem is not null)
        {
            Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    /// <summary>A session of <paramref name="user"/> with one spoken turn, ended and written; its history id.</summary>
    private async Task<string> EndedSessionAsync(string user, string said)
    {
        using var admin = _factory.CreateClient("root", "admin");
        await using var client = await _factory.ConnectAsync(user);
        var sessionId = await client.StartAsync();
        await client.SayAndHearAsync(sessionId, said, 1, 0);
        await client.InvokeAsync("end-session", new { sessionId });
        var row = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended" && s.Int("recordedTurns") == 2);
        return row.Str("id")!;
    }

    /// <summary>The signed media URLs of a session's detail.</summary>
    private static List<string> Urls(JsonElement detail) =>
    [
        .. detail.GetProperty("turns").EnumerateArray()
            .SelectMany(t => t.GetProperty("avatarSegments").EnumerateArray().Select(s => s.Str("audioUrl")!).Append(t.Str("userAudioUrl")))
            .OfType<string>(),
    ];

    /// <summary>The media keys a session's detail links to (the path of each signed URL).</summary>
    private static HashSet<string> Keys(JsonElement detail) => [.. Urls(detail).Select(url => new Uri(url).AbsolutePath)];
}
