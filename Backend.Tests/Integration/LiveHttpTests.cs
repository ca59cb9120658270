using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>Live sessions over plain HTTP and Server-Sent Events, with nothing but an <see cref="HttpClient"/>: the
/// hub's sessions, events, errors and limits on another transport.</summary>
public sealed class LiveHttpTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AWholeSpokenTurnOverHttpGetsTranscriptReplyAndSpeechOnTheEventStream()
    {
        using var http = _factory.CreateClient("alice");
        var start = await http.PostAsJsonAsync(LiveHttpTestKit.Sessions, new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "pcm16", sampleRate = 16000, channels = 1 } });
        var started = await start.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var sessionId = started.Str("sessionId")!;
        await using var events = await http.EventsAsync(sessionId);
        var opening = await events.WaitForAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));

        var audio = TestAudio.IllDisposed.Pcm16();
        var total = await http.StreamLiveAsync(sessionId, audio, chunkBytes: 8_000);
        await http.CommitLiveAsync(sessionId);
        var transcription = await events.WaitForAsync("transcription", e => e.Bool("isFinal") && e.Int("turn") == 1);
        var reply = await events.WaitForAsync("ai-response", e => e.Int("turn") == 1);
        var avatar = await events.WaitForAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        using var end = await http.DeleteAsync($"{LiveHttpTestKit.Sessions}/{sessionId}");
        var ended = await events.WaitForAsync("session-ended");
        await events.EndedAsync();

        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.Equal($"/api/live-sessions/{sessionId}", start.Headers.Location?.OriginalString);
        Assert.Equal("Linda Park", started.GetProperty("buyerPersona").Str("name"));
        Assert.Equal(32_768, started.GetProperty("audioConfig").Int("flushBytes"));
        Assert.Equal(audio.Length, total);
        Assert.StartsWith("Hello, I'm Linda Park", events.Log.Named("ai-response")[0].Str("text"));
        Assert.EndsWith(".wav", new Uri(opening.Str("audioUrl")!).AbsolutePath);
        Assert.True(TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, transcription.Str("text")!) <= 0.5, transcription.Str("text"));
        Assert.Equal(1, reply.Int("turnCount"));
        Assert.Equal("audio/wav", avatar.Str("mimeType"));
        Assert.Equal(HttpStatusCode.Accepted, end.StatusCode);
        Assert.Equal("client", ended.Str("reason"));
        Assert.Equal(1, ended.Int("totalTurns"));

        // The stream opens with session-started; numbered events carry their seq as the SSE id, in order; partial
        // transcripts and reply deltas carry none.
        Assert.Equal("session-started", events.Events[0].Name);
        var numbered = events.Events.Where(e => e.Id is not null).ToList();
        Assert.All(numbered, e => Assert.Equal(e.Id, e.Payload.Long("seq")));
        Assert.Equal(numbered.Select(e => e.Id), numbered.Select(e => e.Id).Order());
        Assert.Equal(numbered.Count, numbered.Select(e => e.Id).Distinct().Count());
        Assert.Contains(events.Events, e => e.Name == "transcription" && !e.Payload.Bool("isFinal") && e.Id is null);
        Assert.Contains(events.Events, e => e.Name == "ai-response-delta" && e.Id is null);
        Assert.DoesNotContain(events.Events, e => e.Name == "error");

        using var media = _factory.CreateClient();
        var download = await media.GetAsync(avatar.Str("audioUrl"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public async Task AnEventStreamDroppedMidSessionResumesWithLastEventIdWithNothingLostOrRepeated()
    {
        _factory.WithEchoSpeech();
        using var http = _factory.CreateClient("alice");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var first = await http.EventsAsync(sessionId);
        await first.WaitForAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));
        var lastSeen = first.Events.Last(e => e.Id is not null).Id!.Value;
        await first.DisposeAsync(); // the network drops

        // A whole turn while nobody reads the stream: the calls still work, the events wait in the session.
        await http.StreamLiveAsync(sessionId, EchoSpeechToText.Speak("what is the price"));
        await http.CommitLiveAsync(sessionId);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var second = await http.EventsAsync(sessionId, lastEventId: lastSeen);
        var reply = await second.WaitForAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        var resumed = second.Events[0];
        Assert.Equal("session-started", resumed.Name);
        Assert.True(resumed.Payload.Bool("resumed"));
        var replayed = second.Events.Where(e => e.Id is not null).Select(e => e.Id!.Value).ToList();
        Assert.Equal(lastSeen + 1, replayed[0]);
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, replayed.Count).Select(i => (long)i), replayed); // each once, in order, no gap
        Assert.Contains(second.Events, e => e.Name == "transcription" && e.Payload.Bool("isFinal") && e.Payload.Str("text") == "what is the price");
        Assert.Equal(1, reply.Int("turn"));
        Assert.DoesNotContain(second.Events, e => e.Name == "error");
    }

    [Fact]
    public async Task AnotherUsersSessionIsNotFoundOnEveryCallAsOnTheHub()
    {
        using var alice = _factory.CreateClient("alice");
        using var bob = _factory.CreateClient("bob");
        var sessionId = (await alice.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var url = $"{LiveHttpTestKit.Sessions}/{sessionId}";

        await (await bob.PostAudioAsync(sessionId, new byte[3200], 0)).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        await (await bob.PostAsync($"{url}/commit", null)).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        await (await bob.PostAsync($"{url}/retry", null)).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        await (await bob.DeleteAsync(url)).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        await (await bob.GetAsync($"{url}/events")).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        var missing = await (await alice.GetAsync($"{LiveHttpTestKit.Sessions}/no-such-session/events")).RefusedAsync(HttpStatusCode.NotFound, "session-not-found");
        // Taking its id for a new session is refused as on the hub, without saying whose it is.
        await (await bob.PostAsJsonAsync(LiveHttpTestKit.Sessions, new { sessionId, scenarioId = HubTestKit.Scenario })).RefusedAsync(HttpStatusCode.Conflict, "session-exists");

        await using var events = await alice.EventsAsync(sessionId); // and alice's session is untouched
        await events.WaitForAsync("avatar-response", e => e.Int("turn") == 0);
        Assert.Equal("no-such-session", missing.Str("sessionId"));
    }

    [Fact]
    public async Task BadInputIsAProblemWithTheHubsErrorCodeNeverA500()
    {
        using var http = _factory.CreateClient("alice");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var url = $"{LiveHttpTestKit.Sessions}/{sessionId}";

        await (await Post(http, LiveHttpTestKit.Sessions, "{ not json", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, LiveHttpTestKit.Sessions, "", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, LiveHttpTestKit.Sessions, """{ "scenarioId": 42 }""", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, LiveHttpTestKit.Sessions, """{ "scenarioId": "no-such-drill" }""", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "unknown-scenario");
        await (await Post(http, LiveHttpTestKit.Sessions, """{ "scenarioId": "procurement-price", "audioFormat": { "sampleRate": 12345 } }""", "application/json"))
            .RefusedAsync(HttpStatusCode.BadRequest, "unsupported-audio-format");
        await (await Post(http, LiveHttpTestKit.Sessions, $$"""{ "scenarioId": "{{new string('x', 100_000)}}" }""", "application/json")).RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "invalid-request");

        await (await Post(http, $"{url}/audio?offset=-5", "abcd", "application/octet-stream")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, $"{url}/audio?offset=ten", "abcd", "application/octet-stream")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, $"{url}/audio?offset=64000", "abcd", "application/octet-stream")).RefusedAsync(HttpStatusCode.Conflict, "audio-gap");
        await (await Post(http, $"{url}/audio?offset=0", "abc", "application/octet-stream")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-audio"); // half a frame
        await (await Post(http, $"{url}/audio", "", "application/octet-stream")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-audio");
        await (await Post(http, $"{url}/audio", """{ "audioData": "***", "offset": 0 }""", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-audio");
        await (await Post(http, $"{url}/audio", """{ "audioData": [1, 2] """, "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await Post(http, $"{url}/audio", """{ "sessionId": "another", "audioData": "AAAA" }""", "application/json")).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await (await http.PostAudioAsync(sessionId, new byte[65_538], 0)).RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "chunk-too-large");
        var huge = await Post(http, $"{url}/audio", $$"""{ "audioData": "{{new string('A', 2_000_000)}}" }""", "application/json");
        await huge.RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "chunk-too-large");

        using var badId = new HttpRequestMessage(HttpMethod.Get, $"{url}/events");
        badId.Headers.Add("Last-Event-ID", "seven");
        await (await http.SendAsync(badId)).RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");

        // The JSON form of a good chunk is the hub's audio-chunk; its answer is audio-received.
        var json = await Post(http, $"{url}/audio", """{ "audioData": "AAAAAA==", "offset": 0 }""", "application/json");
        var ack = await json.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(4, ack.Int("audioSize"));
        Assert.Equal(4, ack.Long("totalBytes"));

        await (await http.DeleteAsync(url)).Content.ReadAsStringAsync();
        await Task.Delay(300);
        await (await Post(http, $"{url}/audio", "abcd", "application/octet-stream")).RefusedAsync(HttpStatusCode.Gone, "session-ended");
        await (await http.GetAsync($"{url}/events")).RefusedAsync(HttpStatusCode.Gone, "session-ended");
    }

    [Fact]
    public async Task TheHubsLimitsHoldOverHttpAndCountSessionsOnBothTransportsTogether()
    {
        _factory.Setting("Sessions:ChunksPerSecond", "2").Setting("Sessions:ChunkBurst", "3").Setting("Sessions:MaxSessionsPerUser", "2");
        using var http = _factory.CreateClient("alice");
        await using var hub = await _factory.ConnectAsync("alice");
        await hub.StartAsync(waitForOpening: false);
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;

        var third = await http.PostAsJsonAsync(LiveHttpTestKit.Sessions, new { scenarioId = HubTestKit.Scenario });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var response = await http.PostAudioAsync(sessionId, new byte[3200], 3200L * i);
            statuses.Add(response.StatusCode);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        await third.RefusedAsync(HttpStatusCode.Conflict, "session-limit");
        Assert.NotNull(limited);
        var problem = await limited.RefusedAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(problem.Bool("retryable"));
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses); // the burst, then refused
    }

    [Fact]
    public async Task ASessionMovesFromTheHubToHttpAndBackAndTheTransportItLeftIsToldSo()
    {
        _factory.WithEchoSpeech();
        using var http = _factory.CreateClient("alice");
        await using var hub = await _factory.ConnectAsync("alice");
        var sessionId = await hub.StartAsync();
        await hub.WaitForEventAsync("ai-response", e => e.Int("turn") == 0);
        var hubSeq = hub.EventsNamed("avatar-response").Concat(hub.EventsNamed("ai-response")).Max(e => e.Long("seq"));

        // Hub → HTTP: opening the event stream takes the session; the hub connection hears it has gone.
        var events = await http.EventsAsync(sessionId, lastEventId: hubSeq);
        var taken = await events.WaitForAsync("session-started");
        await hub.WaitForEventAsync("error", e => e.Str("code") == "session-not-attached");
        var offset = await http.StreamLiveAsync(sessionId, EchoSpeechToText.Speak("what is the price"));
        await http.CommitLiveAsync(sessionId);
        await events.WaitForAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        var httpSeq = events.Events.Last(e => e.Id is not null).Id!.Value;

        // HTTP → hub: start-session with its id resumes it there; the event stream is told and ends.
        var back = await hub.InvokeAsync("start-session", new { sessionId, lastSeq = httpSeq });
        var left = await events.WaitForAsync("error", e => e.Str("code") == "session-not-attached");
        await events.EndedAsync();
        var refused = await http.PostAudioAsync(sessionId, new byte[3200], offset);

        Assert.True(taken.Bool("resumed"));
        Assert.Equal(hubSeq + 1, events.Events.First(e => e.Id is not null).Id); // only what the hub had not seen
        Assert.True(back.Bool("resumed"));
        Assert.Equal(offset, back.Long("receivedBytes"));
        Assert.Equal(sessionId, left.Str("sessionId"));
        await refused.RefusedAsync(HttpStatusCode.Conflict, "session-not-attached");
        await hub.SayAsync(sessionId, "what is the price", turn: 2, offset);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task TheEventStreamSendsKeepAliveCommentsAndTakesTheTokenFromTheQueryOnItsPathOnly()
    {
        _factory.Setting("LiveHttp:HeartbeatInterval", "00:00:00.200");
        using var http = _factory.CreateClient("alice");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        using var anonymous = _factory.CreateClient();
        var token = _factory.Token("alice");

        await using var events = await EventStreamReader.OpenAsync(anonymous, $"{LiveHttpTestKit.Sessions}/{sessionId}/events?access_token={token}");
        await events.WaitForAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var commit = await anonymous.PostAsync($"{LiveHttpTestKit.Sessions}/{sessionId}/commit?access_token={token}", null);
        var noToken = await anonymous.GetAsync($"{LiveHttpTestKit.Sessions}/{sessionId}/events");

        Assert.Contains("keep-alive", events.Comments);
        Assert.Equal(HttpStatusCode.Unauthorized, commit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    [Fact]
    public async Task PlaybackReportsAreTheHubsPlaybackProgressCheckedTheSameWay()
    {
        using var http = _factory.CreateClient("alice");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var url = $"{LiveHttpTestKit.Sessions}/{sessionId}/playback";

        var played = await http.PostAsJsonAsync(url, new { turn = 0, segment = 0, playedMs = 1200 });
        var outOfRange = await http.PostAsJsonAsync(url, new { turn = 0, segment = 0, playedMs = 700_000 });
        var missing = await http.PostAsJsonAsync(url, new { turn = 0 });
        var wrongType = await http.PostAsJsonAsync(url, new { turn = "first", segment = 0, playedMs = 0 });
        var otherSession = await http.PostAsJsonAsync(url, new { sessionId = "another", turn = 0, segment = 0, playedMs = 0 });

        Assert.Equal(HttpStatusCode.Accepted, played.StatusCode);
        await outOfRange.RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await missing.RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        var problem = await wrongType.RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        await otherSession.RefusedAsync(HttpStatusCode.BadRequest, "invalid-request");
        Assert.StartsWith("playback-progress: turn", problem.Str("detail"));
    }

    [Fact]
    public async Task ASessionWhoseEventStreamNeverComesBackEndsAsDisconnectedLikeAHubSession()
    {
        var clock = _factory.UseManualTime();
        using var http = _factory.CreateClient("alice");
        var sessionId = (await http.StartLiveAsync(new { scenarioId = HubTestKit.Scenario })).Str("sessionId")!;
        var events = await http.EventsAsync(sessionId);
        await events.WaitForAsync("session-started");
        await events.DisposeAsync();
        await Task.Delay(200); // the server notices the stream is gone

        clock.Advance(TimeSpan.FromSeconds(31)); // LiveHttp:EventStreamGrace: the channel is given up
        var detached = await http.PostAudioAsync(sessionId, new byte[3200], null);
        clock.Advance(TimeSpan.FromSeconds(61)); // Sessions:ReconnectGrace: the session ends
        await Task.Delay(500);
        var ended = await http.GetAsync($"{LiveHttpTestKit.Sessions}/{sessionId}/events");

        await detached.RefusedAsync(HttpStatusCode.Conflict, "session-not-attached");
        var problem = await ended.RefusedAsync(HttpStatusCode.Gone, "session-ended");
        Assert.Contains("disconnected", problem.Str("detail"));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesLiveSessionsInDevelopment()
    {
        _factory.Environment("Development");
        using var http = _factory.CreateClient();

        var document = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        var start = paths.GetProperty("/api/live-sessions").GetProperty("post");
        Assert.True(start.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(start.GetProperty("responses").TryGetProperty("201", out _));
        var audio = paths.GetProperty("/api/live-sessions/{id}/audio").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(audio.TryGetProperty("application/octet-stream", out _));
        Assert.True(audio.TryGetProperty("application/json", out _));
        var stream = paths.GetProperty("/api/live-sessions/{id}/events").GetProperty("get").GetProperty("responses");
        Assert.True(stream.GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(stream.TryGetProperty("404", out _));
        foreach (var path in new[] { "/api/live-sessions/{id}/commit", "/api/live-sessions/{id}/retry", "/api/live-sessions/{id}/playback" })
        {
            Assert.True(paths.GetProperty(path).TryGetProperty("post", out _), path);
        }

        Assert.True(paths.GetProperty("/api/live-sessions/{id}").TryGetProperty("delete", out _));
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string url, string body, string contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return http.PostAsync(url, content);
    }
}
