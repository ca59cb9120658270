using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Fallback;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Tests.Unit.Providers;

/// <summary>The recogniser's outage breaker on a fake clock: an outage sends the utterances of the cooldown straight to
/// the fallback, and the first utterance after it goes back to the cloud provider.</summary>
public sealed class FallbackBreakerTests
{
    private static readonly RecognizerRequest Request = new("s1", "alice", "en-US", [], null);

    [Fact]
    public async Task UtterancesOfTheCooldownSkipTheFailedProviderAndTheFirstAfterItTriesItAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cloud = new FlakyCloudSpeechToText { FailuresLeft = 1 };
        var stt = new FallbackSpeechToText(cloud, new FakeSpeechToText("pocketsphinx", "en-US"), TimeSpan.FromSeconds(30), clock, NullLogger<FallbackSpeechToText>.Instance);
        await using var recognizer = stt.CreateRecognizer(Request);
        await recognizer.StartAsync(CancellationToken.None);

        var outage = await UtteranceAsync(recognizer);
        var acceptsAfterOutage = cloud.Accepts;
        clock.Advance(TimeSpan.FromSeconds(29));
        var inCooldown = await UtteranceAsync(recognizer);
        var acceptsInCooldown = cloud.Accepts;
        clock.Advance(TimeSpan.FromSeconds(2));
        var afterCooldown = await UtteranceAsync(recognizer);

        Assert.Equal("heard by pocketsphinx", outage);
        Assert.Equal("heard by pocketsphinx", inCooldown);
        Assert.Equal(acceptsAfterOutage, acceptsInCooldown); // not even tried
        Assert.Equal("heard by the cloud", afterCooldown);
        Assert.True(cloud.Accepts > acceptsInCooldown);
    }

    private static async Task<string> UtteranceAsync(ISpeechRecognizer recognizer)
    {
        await recognizer.AcceptAsync(new byte[3_200], CancellationToken.None);
        await recognizer.AcceptAsync(new byte[3_200], CancellationToken.None);
        return (await recognizer.EndUtteranceAsync(CancellationToken.None)).Text;
    }

    /// <summary>A cloud recogniser whose finals fail as outages while <see cref="FailuresLeft"/> lasts.</summary>
    private sealed class FlakyCloudSpeechToText : ISpeechToText, ICloudProvider, ISpeechRecognizer
    {
        public int FailuresLeft { get; set; }

        public int Accepts { get; private set; }

        public string Name => "cloud";

        public IReadOnlyCollection<string> Languages => ["en-US"];

        public ISpeechRecognizer CreateRecognizer(RecognizerRequest request) => this;

        public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
        {
            Accepts++;
            return ValueTask.FromResult<SpeechHypothesis?>(null);
        }

        public ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken) => FailuresLeft-- > 0
            ? throw new SpeechRecognitionException("the cloud is down", true, new ProviderOutageException("cloud", "503"))
            : ValueTask.FromResult(new SpeechHypothesis("heard by the cloud"));

        public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
