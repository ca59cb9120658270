using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

public sealed class HttpApiTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task LivenessAndReadinessAreAnonymousAndReadinessListsEveryProvider()
    {
        using var http = _factory.CreateClient();

        var live = await http.GetAsync("/healthz");
        var ready = await http.GetAsync("/readyz");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("ready", checks["stt:pocketsphinx"]);
        Assert.Equal("ready", checks["tts:espeak"]);
        Assert.Equal("ready", checks["media:local"]);
        Assert.Equal("ready", checks["ai:scripted"]);
        Assert.Equal("ready", checks["database:sqlite"]);
        Assert.Equal("unused", checks["speech:aliyun"]); // no stage is routed to Aliyun: not "ready"
        Assert.Equal("unused", checks["realtime:profiles"]); // no realtime profile configured
    }

    [Fact]
    public async Task ReadinessCallsEnginesNobodyRoutesToUnusedAndIgnoresTheirMissingModel()
    {
        _factory.Setting("Stt:Provider", "latency-model").Setting("Tts:Provider", "latency-model")
            .Setting("Stt:PocketSphinx:ModelDirectory", "/nonexistent/model");
        using var http = _factory.CreateClient();

        var ready = await http.GetAsync("/readyz");
        var checks = await ReadinessChecks(ready);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("unused", checks["stt:pocketsphinx"]);
        Assert.Equal("unused", checks["tts:espeak"]);
        Assert.Equal("unused", checks["speech:aliyun"]);
    }

    [Fact]
    public async Task ReadinessChecksAnOfflineEngineThatIsOnlyTheFallback()
    {
        _factory.Setting("Stt:Provider", "latency-model").Setting("Stt:Fallback", "pocketsphinx")
            .Setting("Stt:PocketSphinx:ModelDirectory", "/nonexistent/model");
        using var http = _factory.CreateClient();

        var ready = await http.GetAsync("/readyz");
        var checks = await ReadinessChecks(ready);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("apt-get install pocketsphinx-en-us", checks["stt:pocketsphinx"]);
        Assert.Equal("ready", checks["tts:espeak"]);
    }

    private static async Task<Dictionary<string, string?>> ReadinessChecks(HttpResponseMessage ready) =>
        JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());

    [Fact]
    public async Task ReadinessFailsWithTheFixWhenTheSpeechModelIsMissing()
    {
        _factory.Setting("Stt:PocketSphinx:ModelDirectory", "/nonexistent/model");
        using var http = _factory.CreateClient();

        var ready = await http.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("apt-get install pocketsphinx-en-us", body);
    }

    [Fact]
    public async Task StatsAreForAdminsOnly()
    {
        using var anonymous = _factory.CreateClient();
        using var trainee = _factory.CreateClient("alice");
        using var admin = _factory.CreateClient("root", "admin");
        await using var hub = await _factory.ConnectAsync("alice");
        await hub.StartAsync(waitForOpening: false);

        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await trainee.GetAsync("/api/stats")).StatusCode);
        Assert.Equal(1, stats.GetProperty("sessions").GetProperty("activeSessions").GetInt32());
        Assert.Equal(1, stats.GetProperty("sessions").GetProperty("connections").GetInt32());
        Assert.True(stats.GetProperty("managedHeapBytes").GetInt64() > 0);
        Assert.True(stats.GetProperty("jitCompiledMethods").GetInt64() > 0); // benchmarks read it to tell a warm server
    }

    [Fact]
    public async Task TheStatsSayWhatTheLastYoungCollectionCopiedAndHowLongItPaused()
    {
        using var admin = _factory.CreateClient("root", "admin");
        GC.Collect(0, GCCollectionMode.Forced, blocking: true); // the service runs in this process
        var collected = GC.CollectionCount(0);

        var young = (await admin.GetFromJsonAsync<JsonElement>("/api/stats")).GetProperty("lastYoungCollection");

        Assert.InRange(young.GetProperty("generation").GetInt32(), 0, 1); // another test's gen1 may come between
        Assert.True(young.GetProperty("index").GetInt64() >= collected, $"collection {young.GetProperty("index")} is not the one just run ({collected}) or later");
        Assert.True(young.GetProperty("promotedBytes").GetInt64() >= 0);
        Assert.True(young.GetProperty("pauseMs").GetDouble() > 0);
    }

    [Fact]
    public async Task TheScenarioCatalogIsListedForSignedInUsers()
    {
        using var anonymous = _factory.CreateClient();
        using var trainee = _factory.CreateClient("alice");

        var scenarios = await trainee.GetFromJsonAsync<JsonElement>("/api/scenarios");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/scenarios")).StatusCode);
        var procurement = scenarios.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "procurement-price");
        Assert.Equal(8, procurement.GetProperty("maxTurns").GetInt32());
        Assert.Contains(procurement.GetProperty("variants").EnumerateArray(), v => v.GetProperty("language").GetString() == "zh-CN");
    }

    [Fact]
    public async Task TheCatalogSaysWhichLanguagesThisServerCanRunAndWhatWouldRunTheOthers()
    {
        using var trainee = _factory.CreateClient("alice");

        var scenarios = await trainee.GetFromJsonAsync<JsonElement>("/api/scenarios");

        var variants = scenarios.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "procurement-price").GetProperty("variants").EnumerateArray().ToList();
        var english = variants.Single(v => v.GetProperty("language").GetString() == "en-US");
        var chinese = variants.Single(v => v.GetProperty("language").GetString() == "zh-CN");
        Assert.True(english.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, english.GetProperty("unavailableReason").ValueKind);
        Assert.False(chinese.GetProperty("available").GetBoolean()); // the offline recogniser speaks English only
        Assert.Contains("Stt__ByLanguage__zh-CN=aliyun", chinese.GetProperty("unavailableReason").GetString());
    }

    [Fact]
    public async Task AdminsAddScenariosWithoutARebuildAndABrokenFileKeepsThePreviousCatalog()
    {
        using var admin = _factory.CreateClient("root", "admin");
        using var trainee = _factory.CreateClient("alice");
        var folder = Path.Combine(_factory.DataDirectory, "scenarios");
        await trainee.GetAsync("/api/scenarios");
        HubTestKit.WithScenario(_factory, "added-later", maxTurns: 2);

        var added = await admin.PostAsync("/api/admin/scenarios/reload", null);
        File.WriteAllText(Path.Combine(folder, "broken.json"), """{ "id": "broken" }""");
        var refused = await admin.PostAsync("/api/admin/scenarios/reload", null);
        var afterRefusal = await trainee.GetFromJsonAsync<JsonElement>("/api/scenarios");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains(JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.EnumerateArray(), s => s.GetProperty("id").GetString() == "added-later");
        Assert.Equal(HttpStatusCode.Forbidden, (await trainee.PostAsync("/api/admin/scenarios/reload", null)).StatusCode);
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        Assert.Contains("broken.json", await refused.Content.ReadAsStringAsync());
        Assert.Contains(afterRefusal.EnumerateArray(), s => s.GetProperty("id").GetString() == "added-later");
    }

    [Fact]
    public void AnInvalidScenarioFileStopsTheServiceFromStartingAndSaysWhichFileAndWhy()
    {
        using var factory = new RoleplayHubFactory().WithScenario("too-long", maxTurns: 1000);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = Flatten(failure);
        Assert.Contains("The scenario catalog is invalid", message, StringComparison.Ordinal);
        Assert.Contains("too-long.json: maxTurns must be between 1 and 200 (was 1000)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevTokensDoNotExistUnlessEnabledInDevelopment()
    {
        _factory.Setting("Auth:DevTokens:Enabled", "true"); // enabled, but the environment is Testing
        using var http = _factory.CreateClient();

        var response = await http.PostAsJsonAsync("/dev/token", new { userId = "alice" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DevTokensWorkInDevelopmentWhenEnabledAndOpenTheHub()
    {
        _factory.Environment("Development").Setting("Auth:DevTokens:Enabled", "true");
        using var http = _factory.CreateClient();

        var bad = await http.PostAsJsonAsync("/dev/token", new { userId = "not a valid id!" });
        var issued = await (await http.PostAsJsonAsync("/dev/token", new { userId = "alice", roles = new[] { "admin" } })).Content.ReadFromJsonAsync<JsonElement>();
        await using var hub = await _factory.ConnectWithTokenAsync(issued.GetProperty("accessToken").GetString());
        http.DefaultRequestHeaders.Authorization = new("Bearer", issued.GetProperty("accessToken").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/stats")).StatusCode);
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);
}
