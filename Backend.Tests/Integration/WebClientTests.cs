using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Security;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// The reference web client end to end, as a user meets it: Debian's Chromium with a fake microphone playing a real
/// recording (looped, with 5 s of silence between repetitions), the page's own <c>@microsoft/signalr</c> client,
/// and the service on a loopback socket with the real providers (PocketSphinx, the scripted persona, espeak-ng). One
/// full turn per SignalR transport, each in another way of talking. The service and the browser are shared by the
/// tests (each has its own user and tab), which keeps the whole class near a minute and a half. Screenshots go to
/// Backend.Tests/artifacts/screenshots.
/// </summary>
public sealed class WebClientTests(WebClientTests.Service service) : IClassFixture<WebClientTests.Service>, IAsyncLifetime
{
    private static readonly TestAudio.Clip Recording = TestAudio.IllDisposed;

    private RoleplayPage _roleplay = null!;

    private IPage Page => _roleplay.Page;

    public async Task InitializeAsync()
    {
        _roleplay = new RoleplayPage(await service.Browser.NewPageAsync(), service.Browser);
        await CspViolations.RecordAsync(Page); // the pages must work under the service's Content-Security-Policy
    }

    public Task DisposeAsync() => Page.CloseAsync();

    [Fact]
    public async Task HandsFreeWithServerVadEndsTurnsOnTheServerAndTheTraineeTalksOverThePersona()
    {
        // The looped recording never waits for the persona: the server ends each repetition's turn, and a repetition
        // that starts while the persona is speaking cuts it off.
        await StartSessionAsync("websockets", "web-server-vad", mode: "hands-free", capture: "pcm16", query: "");
        Assert.True(await Page.EvaluateAsync<bool>("roleplay.serverVad"));

        await WaitForAsync("() => document.querySelector('#user-1[data-final=true]') !== null", "the final transcript of turn 1");
        await WaitForAsync("() => roleplay.interruptions.length > 0", "the trainee to talk over the persona");
        // The page may start listening part-way through a repetition, so turn 1 can hold only its tail; turn 2 is the
        // first repetition heard from its start.
        await WaitForAsync("() => document.querySelector('#user-2[data-final=true]') !== null", "the final transcript of turn 2");
        var transcript = await Page.TextContentAsync("#user-2 .words") ?? "";
        var cut = await Page.EvaluateAsync<string>("roleplay.interruptions[0].heardText");
        var cutTurn = await Page.EvaluateAsync<int>("roleplay.interruptions[0].turn");

        Assert.True(TestAudio.WordErrorRate(Recording.Reference, transcript) <= 0.5, $"transcript on the page: '{transcript}'");
        Assert.StartsWith(cut, await Page.TextContentAsync($"#persona-{cutTurn} .words") ?? "", StringComparison.Ordinal);
        Assert.Equal("[]", await Page.EvaluateAsync<string>("JSON.stringify(roleplay.errors.filter(e => e.code !== 'no-speech'))"));
        Assert.Equal("", await CspViolations.ReadAsync(Page));
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, "roleplay-server-vad-barge-in");
    }

    [Fact]
    public async Task HandsFreeTurnOverWebSockets()
    {
        // The audio goes over one stream-audio stream (the other tests invoke audio-chunk); the page's own voice
        // detector ends the turn (?vad=page), as it did before server VAD.
        await StartSessionAsync("websockets", "web-hands-free", mode: "hands-free", capture: "pcm16", query: "&upload=stream&vad=page");
        Assert.Equal("stream", await Page.EvaluateAsync<string>("roleplay.upload"));

        // Hands-free listens once the persona has finished its opening line; the page's voice detector ends the turn.
        await WaitForAsync("() => roleplay.played.some(p => p.turn === 0)", "the opening line to play");

        await AssertFullTurnAsync("WebSockets", "messagepack", "roleplay-websockets-hands-free");
    }

    [Fact]
    public async Task OverWebSocketsTheAudioGoesOnTheSessionsAudioSocketAcknowledgedFourChunksAtATime()
    {
        // Asked for nothing (no ?upload), the page sends the audio over the session's audio socket beside the hub:
        // binary chunks, 'commit' in order with them, acknowledgements back on the socket; the hub carries every
        // event. The page asks for an acknowledgement every fourth chunk (audioAckEvery: 4); the chunks it sends are
        // counted on their way.
        var chunks = 0;
        await Page.RouteWebSocketAsync(new Regex("/hubs/roleplay/audio"), socket =>
        {
            var server = socket.ConnectToServer();
            socket.OnMessage(frame =>
            {
                // Playwright gives every frame both as text and as bytes; the page's one text message is 'commit'.
                if (frame.Text == "commit")
                {
                    server.Send(frame.Text);
                }
                else if (frame.Binary is { } chunk)
                {
                    Interlocked.Increment(ref chunks);
                    server.Send(chunk);
                }
            });
        });
        await StartSessionAsync("websockets", "web-audio-socket", mode: "push-to-talk", capture: "pcm16", query: "");
        Assert.Equal("socket", await Page.EvaluateAsync<string>("roleplay.upload"));

        await _roleplay.SayOneRepetitionAsync();

        await AssertFullTurnAsync("WebSockets", "messagepack", "roleplay-audio-socket-push-to-talk");
        var acks = await Page.EvaluateAsync<int>("roleplay.socketAcks");
        Assert.True(acks > 0, "no acknowledgement came on the audio socket");
        Assert.True(acks <= Volatile.Read(ref chunks) / 4, $"{acks} acknowledgements for {chunks} chunks: more than one per four");
    }

    [Fact]
    public async Task AnAudioSocketLostMidSentenceIsOpenedAgainAndItsUnacknowledgedAudioResent()
    {
        // The network drops the audio socket (only it: the hub's connection stays) a second into the sentence; the
        // page opens a new one, which replaces the old on the server, and sends what was not acknowledged.
        var opened = 0;
        IWebSocketRoute? first = null;
        await Page.RouteWebSocketAsync(new Regex("/hubs/roleplay/audio"), socket =>
        {
            socket.ConnectToServer();
            if (Interlocked.Increment(ref opened) == 1)
            {
                first = socket;
            }
        });
        await StartSessionAsync("websockets", "web-audio-socket-lost", mode: "push-to-talk", capture: "pcm16", query: "&upload=socket");

        await HoldToTalkDuringOneRepetitionAsync(() => Page.Keyboard.DownAsync("Space"), () => Page.Keyboard.UpAsync("Space"), whileSpeaking: async () =>
        {
            await Task.Delay(1_000);
            await first!.CloseAsync(new() { Code = 4000, Reason = "network down" });
        });

        await AssertFullTurnAsync("WebSockets", "messagepack", "roleplay-audio-socket-reopened");
        Assert.Equal(2, Volatile.Read(ref opened));
        Assert.Equal("socket", await Page.EvaluateAsync<string>("roleplay.upload"));
        Assert.Null(await Page.EvaluateAsync<string?>("document.querySelector('#user-2')?.textContent ?? null")); // one sentence, one turn
    }

    [Fact]
    public async Task AnAudioSocketThatCarriesNothingIsGivenUpAndThePageInvokesForItsLaterSessions()
    {
        // A proxy that accepts the audio socket's upgrade and drops the connection before anything crosses it (the
        // route stands in for it: the page's socket opens, and closes 300 ms later without a message). Each try
        // opens, so only what a socket carried can show that it works. After three tries the page sends its audio
        // through the hub, the turn is answered, and the page's next session invokes from its start.
        var opened = 0;
        await Page.RouteWebSocketAsync(new Regex("/hubs/roleplay/audio"), socket =>
        {
            Interlocked.Increment(ref opened);
            _ = Task.Delay(300).ContinueWith(_ => socket.CloseAsync(new() { Code = 1011, Reason = "proxy" }), TaskScheduler.Default).Unwrap();
        });
        await StartSessionAsync("websockets", "web-audio-socket-refused", mode: "push-to-talk", capture: "pcm16", query: "");
        Assert.Equal("socket", await Page.EvaluateAsync<string>("roleplay.upload"));

        await _roleplay.SayOneRepetitionAsync();

        await AssertFullTurnAsync("WebSockets", "messagepack", "roleplay-audio-socket-given-up");
        Assert.Equal("invoke", await Page.EvaluateAsync<string>("roleplay.upload"));
        Assert.Equal(3, Volatile.Read(ref opened));
        Assert.Equal(0, await Page.EvaluateAsync<int>("roleplay.socketAcks"));

        var first = await Page.EvaluateAsync<string>("roleplay.sessionId");
        await EndSessionAsync();
        await Page.ClickAsync("#start");
        await WaitForAsync($"() => roleplay.sessionId !== null && roleplay.sessionId !== '{first}' && roleplay.state !== 'connecting'", "the next session to start");

        Assert.Equal("invoke", await Page.EvaluateAsync<string>("roleplay.upload"));
        await _roleplay.SayOneRepetitionAsync();
        await WaitForAsync("() => document.querySelector('#user-1[data-final=true]') !== null", "the next session's first transcript");
        Assert.Equal(3, Volatile.Read(ref opened)); // no socket tried for the next session
        Assert.Equal("[]", await Page.EvaluateAsync<string>("JSON.stringify(roleplay.errors)"));
    }

    [Fact]
    public async Task PushToTalkWithTheSpaceKeyOverServerSentEvents()
    {
        // The microphone at the device's rate, resampled to 16 kHz in the worklet (as in browsers that refuse a 16 kHz
        // AudioContext); the other PCM16 tests let Chromium resample.
        await StartSessionAsync("sse", "web-space", mode: "push-to-talk", capture: "pcm16", query: "&resample=worklet");
        Assert.NotEqual(16_000, await Page.EvaluateAsync<int>("roleplay.audioContextRate"));

        await _roleplay.SayOneRepetitionAsync();

        await AssertFullTurnAsync("ServerSentEvents", "json", "roleplay-sse-push-to-talk"); // SSE carries text only: JSON
    }

    [Fact]
    public async Task MediaRecorderOpusHeldWithTheMouseOverLongPolling()
    {
        await StartSessionAsync("longpolling", "web-opus", mode: "push-to-talk", capture: "webm-opus");

        await HoldToTalkDuringOneRepetitionAsync(
            async () =>
            {
                await Page.HoverAsync("#talk");
                await Page.Mouse.DownAsync();
            },
            () => Page.Mouse.UpAsync());

        await AssertFullTurnAsync("LongPolling", "messagepack", "roleplay-longpolling-opus");
    }

    [Fact]
    public async Task AConnectionLostMidSentenceIsResumedAndTheUnacknowledgedAudioResent()
    {
        // The network between the page and the hub, with a switch: after the drop, a stateful reconnect of the same
        // connection is refused too, so the client falls back to withAutomaticReconnect's new connection and the page
        // resumes its session there (start-session with sessionId and lastSeq, audio from receivedBytes). The new
        // connection takes 0.7 s to negotiate, so audio recorded meanwhile has to be sent after the resume.
        var lost = new ConcurrentDictionary<string, bool>();
        await Page.RouteAsync(new Regex("/hubs/roleplay/negotiate"), async route =>
        {
            if (!lost.IsEmpty)
            {
                await Task.Delay(700);
            }

            await route.ContinueAsync();
        });
        IWebSocketRoute? live = null;
        string? liveId = null;
        await Page.RouteWebSocketAsync(new Regex(@"/hubs/roleplay\?id="), socket => // the hub's, not the audio socket
        {
            var id = HttpUtility.ParseQueryString(new Uri(socket.Url).Query)["id"] ?? "";
            if (lost.ContainsKey(id))
            {
                _ = socket.CloseAsync(new() { Code = 4000, Reason = "network down" });
                return;
            }

            socket.ConnectToServer();
            (live, liveId) = (socket, id);
        });
        await StartSessionAsync("websockets", "web-reconnect", mode: "push-to-talk", capture: "pcm16");
        var sessionId = await Page.EvaluateAsync<string>("roleplay.sessionId");

        await HoldToTalkDuringOneRepetitionAsync(() => Page.Keyboard.DownAsync("Space"), () => Page.Keyboard.UpAsync("Space"), whileSpeaking: async () =>
        {
            await Task.Delay(1_000);
            lost[liveId!] = true;
            await live!.CloseAsync(new() { Code = 4000, Reason = "network down" });
            await WaitForAsync("() => roleplay.reconnects === 1", "the session to resume on a new connection");
        });

        await AssertFullTurnAsync("WebSockets", "messagepack", "roleplay-websockets-reconnected");
        Assert.Equal("socket", await Page.EvaluateAsync<string>("roleplay.upload")); // a new audio socket after the resume
        Assert.Equal(sessionId, await Page.EvaluateAsync<string>("roleplay.sessionId"));
        Assert.Single(lost);
        Assert.True(await Page.EvaluateAsync<int>("roleplay.resentBytes") > 0, "audio recorded while disconnected is sent after the resume");
        Assert.Null(await Page.EvaluateAsync<string?>("document.querySelector('#user-2')?.textContent ?? null")); // one sentence, one turn
    }

    [Fact]
    public async Task TheAdminPageListsTheSessionsAndShowsATurnWithItsAudio()
    {
        const string Trainee = "web-history";
        // JSON by choice, and the audio invoked through the hub's WebSocket (the other WebSockets tests use the socket)
        await StartSessionAsync("websockets", Trainee, mode: "push-to-talk", capture: "pcm16", query: "&protocol=json&upload=invoke");
        await _roleplay.SayOneRepetitionAsync();
        await WaitForAsync("() => roleplay.turns[1]?.reply", "the reply to turn 1");
        Assert.Equal("json", await Page.EvaluateAsync<string>("roleplay.protocol"));
        Assert.Equal("invoke", await Page.EvaluateAsync<string>("roleplay.upload"));
        await EndSessionAsync();
        await Page.ClickAsync("#start"); // a second, newer session: two pages of one
        await WaitForAsync("() => roleplay.state === 'thinking' || roleplay.state === 'speaking'", "the second session to start");
        await EndSessionAsync();

        // The trainee is told the page is for admins.
        Assert.Equal("", await CspViolations.ReadAsync(Page));
        await Page.GotoAsync($"{service.Url}/admin.html");
        await Page.WaitForSelectorAsync("#sign-in-error:not([hidden])");
        Assert.Contains("The session history is for admins", await Page.TextContentAsync("#sign-in-error") ?? "", StringComparison.Ordinal);
        Assert.True(await Page.IsHiddenAsync("#sessions"));

        await Page.ClickAsync("#sign-out");
        await Page.FillAsync("#user-id", "web-admin");
        await Page.ClickAsync("text=Sign in (dev)");
        await Page.WaitForSelectorAsync("#sessions:not([hidden])");
        await Page.FillAsync("#f-user", Trainee);
        await Page.FillAsync("#f-limit", "1");
        await SearchUntilAsync("() => admin.sessions.length === 1 && admin.nextCursor !== null", "two sessions of the trainee in the history");
        await SearchUntilAsync("() => admin.scores?.points.length === 2", "both sessions' scores");
        Assert.StartsWith("2 scored sessions", await Page.TextContentAsync("#scores:not([hidden]) figcaption") ?? "", StringComparison.Ordinal);
        Assert.Equal(2, await Page.Locator("#scores circle").CountAsync());
        await SearchUntilAsync("() => admin.stats?.sessions === 2", "the statistics of both sessions");
        Assert.StartsWith("Sessions per day: 2", await Page.TextContentAsync("#sessions-per-day:not([hidden]) figcaption") ?? "", StringComparison.Ordinal);
        Assert.True(await Page.Locator("#sessions-per-day rect.bar").CountAsync() >= 1);
        Assert.Contains("Latency per stage, average over", await Page.TextContentAsync("#stage-latency:not([hidden]) figcaption") ?? "", StringComparison.Ordinal);
        Assert.True(await Page.Locator("#stage-latency rect.bar").CountAsync() >= 3); // recognition, reply, voice and more

        // Newest first, one per page: the turn is in the older session, on page 2.
        await Page.ClickAsync("#next-page");
        await WaitForAsync("() => admin.cursors.length === 1 && admin.sessions.length === 1 && admin.sessions[0].totalTurns === 1", "page 2");
        Assert.Equal("Page 2: 1 session.", await Page.TextContentAsync("#list-status"));
        Assert.False(await Page.IsDisabledAsync("#previous-page"));
        await Page.ClickAsync("#session-rows button.link");
        await Page.WaitForSelectorAsync("#detail:not([hidden]) .turn-card[data-turn='1']");

        var said = await Page.TextContentAsync(".turn-card[data-turn='1'] .user-text") ?? "";
        Assert.True(TestAudio.WordErrorRate(Recording.Reference, said.Replace("Trainee:", "", StringComparison.Ordinal).Trim()) <= 0.5, said);
        Assert.False(string.IsNullOrWhiteSpace(await Page.TextContentAsync(".turn-card[data-turn='1'] .ai-text")));
        Assert.Matches(@"recognition \d+ ms", await Page.TextContentAsync(".turn-card[data-turn='1'] .stages") ?? "");
        Assert.True(await Page.Locator(".turn-card[data-turn='1'] .avatar-audio audio").CountAsync() >= 1);
        Assert.Contains("Discovery questions", await Page.TextContentAsync("#detail-report:not([hidden])") ?? "", StringComparison.Ordinal); // its coaching report

        // Durations show before anything is played: the players read the audio's header.
        await WaitForAsync("() => [...document.querySelectorAll(\".turn-card[data-turn='1'] audio\")].every(a => a.preload === 'metadata' && a.duration > 0)", "the players' durations");

        // The trainee's recording plays from its signed URL, without a token.
        await Page.EvaluateAsync("document.querySelector(\".turn-card[data-turn='1'] .user-audio audio\").play()");
        await WaitForAsync("() => document.querySelector(\".turn-card[data-turn='1'] .user-audio audio\").currentTime > 0.2", "the trainee's recording to play");

        Assert.Equal("", await CspViolations.ReadAsync(Page));
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, "admin-session");
    }

    [Fact]
    public async Task TheLanguageListOffersOnlyWhatThisServerRunsAndSaysWhyBeforeTheMicrophoneIsAskedFor()
    {
        await SignInAsync("web-languages", "procurement-price");

        var chinese = Page.Locator("#language option[value='zh-CN']");
        Assert.True(await chinese.IsDisabledAsync()); // the offline recogniser speaks English only
        Assert.Contains("Stt__ByLanguage__zh-CN=aliyun", await chinese.GetAttributeAsync("title") ?? "", StringComparison.Ordinal);
        Assert.Contains("zh-CN: ", await Page.TextContentAsync("#language-note") ?? "", StringComparison.Ordinal);
        Assert.Equal("en-US", await Page.InputValueAsync("#language"));

        // Forced past the list anyway, the page refuses by itself: the server's hint, no microphone, no stage.
        await Page.EvaluateAsync("""
            () => {
              const language = document.getElementById('language');
              language.querySelector('[value=zh-CN]').disabled = false;
              language.value = 'zh-CN';
              language.dispatchEvent(new Event('change'));
            }
            """);
        Assert.True(await Page.IsDisabledAsync("#start"));
        await Page.EvaluateAsync("() => { const start = document.getElementById('start'); start.disabled = false; start.click(); }");
        await Page.WaitForSelectorAsync("#setup-error:not([hidden])");

        Assert.Contains("Stt__ByLanguage__zh-CN=aliyun", await Page.TextContentAsync("#setup-error") ?? "", StringComparison.Ordinal);
        Assert.Equal(0, await Page.EvaluateAsync<int>("roleplay.microphoneOpens"));
        Assert.True(await Page.IsHiddenAsync("#stage"));
    }

    [Fact]
    public async Task ASessionTheServerRefusesLeavesNoStageBehindAndTheAlertKeepsTheServersHint()
    {
        await SignInAsync("web-refused", "procurement-price", "&engine=realtime:no-such-profile");

        await Page.ClickAsync("#start");
        await Page.WaitForSelectorAsync("#setup-error:not([hidden])");

        Assert.Contains("The server says:", await Page.TextContentAsync("#setup-error") ?? "", StringComparison.Ordinal);
        Assert.True(await Page.IsHiddenAsync("#stage")); // no "Persona / Not started / Connected over WebSockets"
        Assert.Equal("Not connected", await Page.TextContentAsync("#connection"));
        Assert.False(await Page.IsDisabledAsync("#start"));
    }

    [Fact]
    public async Task AfterEndSessionThePageSaysItIsNotConnectedAndTheVoiceIndicatorIsOff()
    {
        await StartSessionAsync("websockets", "web-end-state", mode: "hands-free", capture: "pcm16");
        await WaitForAsync("() => roleplay.voiceActive", "the recording to be heard");
        Assert.StartsWith("Connected over WebSockets", await Page.TextContentAsync("#connection") ?? "", StringComparison.Ordinal);

        await EndSessionAsync();
        await Task.Delay(500); // level readings still in flight when the microphone closed must not light it again

        Assert.Equal("Not connected", await Page.TextContentAsync("#connection"));
        Assert.Equal("false", await Page.GetAttributeAsync("#connection", "data-connected"));
        Assert.Equal("○", await Page.TextContentAsync("#voice"));
        Assert.False(await Page.EvaluateAsync<bool>("roleplay.voiceActive"));
        Assert.Equal("Microphone closed", await Page.TextContentAsync("#mic-name"));
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, "roleplay-ended");
    }

    [Fact]
    public async Task AfterADrillThePageShowsTheCoachingReportCard()
    {
        await StartSessionAsync("websockets", "web-report", mode: "push-to-talk", capture: "pcm16");
        await _roleplay.SayOneRepetitionAsync();
        await WaitForAsync("() => roleplay.turns[1]?.reply", "the reply to turn 1");

        await EndSessionAsync();
        await Page.WaitForSelectorAsync("#report:not([hidden])");

        var card = await Page.TextContentAsync("#report") ?? "";
        Assert.Contains("Coaching report", card, StringComparison.Ordinal);
        Assert.Contains("/100", card, StringComparison.Ordinal);
        Assert.Contains("Discovery questions", card, StringComparison.Ordinal); // the scenario's rubric
        Assert.Contains("Scored by rules, offline.", card, StringComparison.Ordinal);
        Assert.True(await Page.IsHiddenAsync("#print-report") is false);
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, "roleplay-report");
    }

    [Fact]
    public async Task EachPersonaHasItsOwnFace()
    {
        const string Look = """
            () => [...document.querySelectorAll('#avatar .skin, #avatar .hair, #avatar #glasses, #avatar #beard')]
              .map(e => [e.getAttribute('d'), getComputedStyle(e).fill, e.getAttribute('visibility')].join(' ')).join(' | ')
              + ' on ' + getComputedStyle(document.querySelector('#avatar svg')).backgroundColor
            """;
        await StartSessionAsync("websockets", "web-faces", mode: "push-to-talk", capture: "pcm16");
        var linda = await Page.EvaluateAsync<string>(Look);
        await EndSessionAsync();

        await Page.SelectOptionAsync("#scenario", "it-director-cloud");
        await Page.ClickAsync("#start");
        await WaitForAsync("() => roleplay.sessionId !== null", "David Mercer's session to start");
        var david = await Page.EvaluateAsync<string>(Look);

        Assert.Equal("David Mercer", await Page.TextContentAsync("#persona-name"));
        Assert.NotEqual(linda, david);
        Assert.Contains("visible", david, StringComparison.Ordinal); // his beard
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, "roleplay-david-mercer");
        await EndSessionAsync();
    }

    [Fact]
    public async Task ThePageDeclaresAChineseFontFallback()
    {
        await Page.GotoAsync(service.Url);

        var fonts = await Page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily");

        Assert.Contains("Noto Sans CJK SC", fonts, StringComparison.Ordinal);
        Assert.Contains("Microsoft YaHei", fonts, StringComparison.Ordinal);
    }

    private async Task SignInAsync(string userId, string scenario, string query = "")
    {
        await Page.GotoAsync($"{service.Url}/?scenario={scenario}{query}");
        await Page.FillAsync("#user-id", userId);
        await Page.ClickAsync("text=Sign in (dev)");
        await Page.WaitForSelectorAsync("#setup:not([hidden])");
    }

    private async Task EndSessionAsync()
    {
        await Page.ClickAsync("#end");
        await WaitForAsync("() => roleplay.state === 'ended'", "the session to end");
    }

    /// <summary>The history is written in the background: search again until the page shows what is expected.</summary>
    private async Task SearchUntilAsync(string condition, string what)
    {
        for (var attempt = 0; attempt < 20 && !await Page.EvaluateAsync<bool>($"({condition})()"); attempt++)
        {
            await Page.ClickAsync("#filters button[type=submit]");
            await Task.Delay(250);
        }

        await WaitForAsync(condition, what);
    }

    private Task StartSessionAsync(string transport, string userId, string mode, string capture, string query = "") =>
        _roleplay.StartSessionAsync(service.Url, $"?transport={transport}&scenario=procurement-price{query}", userId, mode, capture);

    private Task HoldToTalkDuringOneRepetitionAsync(Func<Task> press, Func<Task> release, Func<Task>? whileSpeaking = null) =>
        _roleplay.HoldToTalkDuringOneRepetitionAsync(press, release, whileSpeaking);

    private async Task AssertFullTurnAsync(string transport, string protocol, string screenshot)
    {
        await WaitForAsync("() => document.querySelector('#user-1[data-final=true]') !== null", "the final transcript of turn 1");
        var transcript = await Page.TextContentAsync("#user-1 .words") ?? "";
        Assert.True(TestAudio.WordErrorRate(Recording.Reference, transcript) <= 0.5, $"transcript on the page: '{transcript}'");

        // The reply's first sentence played to its end, with the mouth moving.
        await WaitForAsync("() => roleplay.played.some(p => p.turn === 1 && p.segment === 0 && p.ms > 0)", "the reply's audio to play");
        Assert.StartsWith("Hello, I'm Linda Park", await Page.TextContentAsync("#persona-0 .words") ?? "", StringComparison.Ordinal); // the opening line
        Assert.False(string.IsNullOrWhiteSpace(await Page.TextContentAsync("#persona-1 .words")));
        Assert.Equal(transport, await Page.EvaluateAsync<string>("roleplay.transport"));
        Assert.Equal(protocol, await Page.EvaluateAsync<string>("roleplay.protocol"));
        Assert.Equal("[]", await Page.EvaluateAsync<string>("JSON.stringify(roleplay.errors)"));
        Assert.Matches("Turn 1 / 8", await Page.TextContentAsync("#turns") ?? "");
        Assert.Contains("recognition", await Page.TextContentAsync("#persona-1 .latency") ?? "", StringComparison.Ordinal);
        Assert.Equal("", await CspViolations.ReadAsync(Page));

        await FakeMicrophoneBrowser.ScreenshotAsync(Page, screenshot);
    }

    private Task WaitForAsync(string condition, string what) => _roleplay.WaitForAsync(condition, what);

    /// <summary>The service in Development with dev tokens, on a loopback port, and Chromium hearing the recording.</summary>
    public sealed class Service : IAsyncLifetime
    {
        private readonly RoleplayHubFactory _factory = new RoleplayHubFactory()
            .Environment("Development")
            .Setting("Auth:DevTokens:Enabled", "true");

        public string Url { get; private set; } = "";

        public FakeMicrophoneBrowser Browser { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Url = _factory.StartOnLoopback();
            // 5 s between repetitions: on a loaded machine the page hears the end of one late, and push-to-talk is
            // released in this gap, which must outlast that delay or the next repetition's start is sent too (with
            // 3 s, a clean-clone run once released it too late).
            var microphone = FakeMicrophoneBrowser.MicrophoneFile(Recording, TimeSpan.FromSeconds(5), _factory.DataDirectory);
            Browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
        }

        public async Task DisposeAsync()
        {
            await Browser.DisposeAsync();
            _factory.Dispose();
        }
    }
}
