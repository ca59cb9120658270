using Microsoft.Playwright;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Security;

namespace RoleplayHub.Tests.Realtime;

/// <summary>
/// The roleplay page on a realtime speech-to-speech model, hands-free, against one fake vendor of each protocol family
/// (OpenAI's GA names, the beta dialect, Gemini Live): Chromium's fake microphone loops a recording with silence around
/// it, so the trainee speaks, waits for the persona's short answer, speaks again, and the third time talks over the
/// persona's long answer. The service, the browser and the three fakes are shared by the cases; each case has its own
/// user, tab and <c>realtime:fake-&lt;vendor&gt;</c> profile.
/// </summary>
public sealed class RealtimeWebClientTests(RealtimeWebClientTests.Service service) : IClassFixture<RealtimeWebClientTests.Service>, IAsyncLifetime
{
    private const string Heard = "he was not an ill disposed young man";
    private const string ShortReply = "Go on, I am listening.";

    // Ten seconds of speech at the fake's pace: still playing when the next repetition of the recording begins.
    private const string LongReply = "Delivery takes six weeks from the order, and we ship from our central warehouse in two batches, with tracking for every pallet and a named contact for every shipment.";

    /// <summary>A reply segment's length after the first: long enough for a segment to have played after it.</summary>
    private const int RealtimeReplySegmentMs = 1_500;

    private RoleplayPage _roleplay = null!;

    private IPage Page => _roleplay.Page;

    public async Task InitializeAsync()
    {
        _roleplay = new RoleplayPage(await service.Browser.NewPageAsync(), service.Browser, screenshotPrefix: "realtime-");
        await CspViolations.RecordAsync(Page);
    }

    public Task DisposeAsync() => Page.CloseAsync();

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Qwen)]
    [InlineData(RealtimeVendors.Gemini)]
    public async Task TheRoleplayPageHoldsASpokenDrillOnARealtimeModelAndTheTraineeCutsThePersonaOff(string vendor)
    {
        var fake = service.Fakes[vendor];
        fake.Script.EnqueueUserTranscript(Heard);
        fake.Script.EnqueueReply(ShortReply);
        fake.Script.EnqueueUserTranscript(Heard);
        fake.Script.EnqueueReply(LongReply);
        fake.Script.EnqueueUserTranscript(Heard);

        await StartHandsFreeAsync(vendor);

        // The opening line is text only on a realtime model: the page must not wait for it to be spoken.
        await WaitForAsync("() => roleplay.turns[0]?.reply && roleplay.state === 'listening' && !document.querySelector('#user-1')", "the opening line, then listening");
        await WaitForAsync("() => roleplay.played.some(p => p.turn === 1 && p.ms > 0)", "the reply to turn 1 to play");
        await WaitForAsync("() => roleplay.interruptions.some(i => i.turn === 2)", "the trainee to talk over the reply to turn 2");
        var cut = await Page.EvaluateAsync<string>("roleplay.interruptions.find(i => i.turn === 2).heardText");
        var paused = await Page.EvaluateAsync<bool>("document.getElementById('avatar-audio').paused");
        const string PlayedOfTurn2 = "roleplay.played.filter(p => p.turn === 2).length";
        var playedAtTheCut = await Page.EvaluateAsync<int>(PlayedOfTurn2);
        await Task.Delay(RealtimeReplySegmentMs);

        Assert.Equal($"realtime:fake-{vendor}", await Page.EvaluateAsync<string>("roleplay.engine"));
        Assert.Equal(Heard, await Page.TextContentAsync("#user-1 .words"));
        Assert.Equal(ShortReply, await Page.TextContentAsync("#persona-1 .words"));
        Assert.Equal("true", await Page.GetAttributeAsync("#persona-1", "data-final"));
        Assert.Equal(Heard, await Page.TextContentAsync("#user-2 .words"));
        Assert.StartsWith(cut, LongReply, StringComparison.Ordinal);
        Assert.Equal($"{cut}—", await Page.TextContentAsync("#persona-2 .words"));
        Assert.True(paused, "the page stops the persona's voice");
        Assert.Equal(playedAtTheCut, await Page.EvaluateAsync<int>(PlayedOfTurn2)); // nothing more of the cut reply plays
        Assert.Equal("[]", await Page.EvaluateAsync<string>("JSON.stringify(roleplay.errors)"));
        Assert.Equal("", await CspViolations.ReadAsync(Page));
        await FakeMicrophoneBrowser.ScreenshotAsync(Page, $"roleplay-realtime-{vendor}-barge-in");
    }

    private Task StartHandsFreeAsync(string vendor) =>
        _roleplay.StartSessionAsync(service.Url, $"?transport=websockets&scenario=procurement-price&engine=realtime:fake-{vendor}", $"web-realtime-{vendor}", "hands-free", "pcm16");

    private Task WaitForAsync(string condition, string what) => _roleplay.WaitForAsync(condition, what);

    /// <summary>The service on a loopback port with a realtime profile per fake vendor, and Chromium hearing the
    /// recording with a second of silence before it and seven after it: the short reply plays out in them even on a
    /// loaded machine (with five, a clean-clone run once heard the next repetition cut it).</summary>
    public sealed class Service : IAsyncLifetime
    {
        private static readonly string[] Vendors = [RealtimeVendors.OpenAi, RealtimeVendors.Qwen, RealtimeVendors.Gemini];

        private readonly RoleplayHubFactory _factory = new RoleplayHubFactory()
            .Environment("Development")
            .Setting("Auth:DevTokens:Enabled", "true");

        public string Url { get; private set; } = "";

        public Dictionary<string, FakeRealtimeServer> Fakes { get; } = [];

        public FakeMicrophoneBrowser Browser { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            foreach (var vendor in Vendors)
            {
                // Replies at the pace they are played, so the persona is still talking when the trainee cuts in.
                var fake = FakeRealtimeServers.Create(new FakeRealtimeOptions { Vendor = vendor, Speed = 1, FirstAudioDelay = TimeSpan.FromMilliseconds(100) });
                await fake.StartAsync();
                Fakes[vendor] = fake;
                var profile = $"Realtime:Profiles:fake-{vendor}:";
                _factory.Setting(profile + "Vendor", vendor)
                    .Setting(profile + "Model", "fake-model")
                    .Setting(profile + "ApiKey", "test-key")
                    .Setting(profile + "Endpoint", fake.EndpointUrl);
            }

            Url = _factory.StartOnLoopback();
            var microphone = FakeMicrophoneBrowser.MicrophoneFile(TestAudio.IllDisposed, TimeSpan.FromSeconds(7), _factory.DataDirectory, lead: TimeSpan.FromSeconds(1));
            Browser = await FakeMicrophoneBrowser.LaunchAsync(microphone);
        }

        public async Task DisposeAsync()
        {
            await Browser.DisposeAsync();
            _factory.Dispose();
            foreach (var fake in Fakes.Values)
            {
                await fake.DisposeAsync();
            }
        }
    }
}
