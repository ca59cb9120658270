using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Stt.PocketSphinx;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Security;

/// <summary>Threat: a few accounts opening sessions and staying silent to hold every speech decoder, so that nobody
/// else can practise (the decoders are scarce: ~100 MB each).</summary>
public sealed class DecoderHoardingTests
{
    private static readonly byte[] Speech = TestAudio.IllDisposed.Pcm16()[..16_000];

    [Fact]
    public async Task AQuietSessionLendsItsDecoderToANewOneAndTakesOneBackWhenItSpeaks()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stt = Provider(clock, maxDecoders: 1, perUser: 1);
        await using var alice = stt.CreateRecognizer(Request("alice"));
        await alice.StartAsync(default);

        var bobTooSoon = Record.Exception(() => stt.CreateRecognizer(Request("bob")));
        clock.Advance(TimeSpan.FromSeconds(31));
        await using var bob = stt.CreateRecognizer(Request("bob"));
        await bob.StartAsync(default);
        var aliceWhileBobIsFresh = await Record.ExceptionAsync(() => alice.AcceptAsync(Speech, default).AsTask());
        clock.Advance(TimeSpan.FromSeconds(31));
        await alice.AcceptAsync(Speech, default);
        var heard = await alice.EndUtteranceAsync(default);

        Assert.IsType<SpeechCapacityException>(bobTooSoon);
        Assert.IsType<SpeechCapacityException>(aliceWhileBobIsFresh);
        Assert.False(string.IsNullOrWhiteSpace(heard.Text)); // a fresh model after the eviction still recognises
        Assert.Equal(1, stt.ActiveDecoders);
    }

    [Fact]
    public async Task AUserAtTheirCapReusesTheirOwnQuietDecoderAndNeverTakesSomeoneElses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stt = Provider(clock, maxDecoders: 2, perUser: 1);
        await using var first = stt.CreateRecognizer(Request("mallory"));
        await first.StartAsync(default);
        await using var alice = stt.CreateRecognizer(Request("alice"));
        await alice.StartAsync(default);

        await using var second = stt.CreateRecognizer(Request("mallory")); // takes the first one's slot at once
        await second.StartAsync(default);
        await first.AcceptAsync(Speech, default); // and back
        var third = Record.Exception(() => stt.CreateRecognizer(Request("mallory"))); // the first is mid-utterance

        Assert.IsType<SpeechCapacityException>(third);
        Assert.Equal(2, stt.ActiveDecoders);
        await alice.AcceptAsync(Speech, default); // alice's decoder was never touched
    }

    [Fact]
    public async Task SilentSessionsOfAFewAccountsNoLongerLockOthersOut()
    {
        using var factory = new RoleplayHubFactory().Setting("Stt:PocketSphinx:MaxDecoders", "2");
        var clock = factory.UseManualTime();
        await using var mallory = await factory.ConnectAsync("mallory");
        await using var trudy = await factory.ConnectAsync("trudy");
        await mallory.StartAsync(); // the opening line is spoken once the decoder is loaded
        await trudy.StartAsync();
        await using var alice = await factory.ConnectAsync("alice");

        await alice.RefusedAsync("start-session", new { scenarioId = HubTestKit.Scenario }, "stt-unavailable");
        clock.Advance(TimeSpan.FromSeconds(31));
        var started = await alice.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario });

        Assert.False(string.IsNullOrEmpty(started.Str("sessionId")));
    }

    private static PocketSphinxSpeechToText Provider(TimeProvider clock, int maxDecoders, int perUser) => new(
        Options.Create(new PocketSphinxOptions { MaxDecoders = maxDecoders, MaxDecodersPerUser = perUser, IdleRelease = TimeSpan.FromSeconds(30), MaxParallelDecodes = 1 }),
        clock, NullLogger<PocketSphinxSpeechToText>.Instance);

    private static RecognizerRequest Request(string user) => new("session-of-" + user, user, "en-US", [], null);
}
