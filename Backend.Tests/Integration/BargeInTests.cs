using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Stt;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Providers.Tts.Espeak;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// Barge-in on a server-vad session: the trainee speaks while the persona's opening line is playing. The opening is
/// the persona's first reply (turn 0), spoken by espeak-ng, and the client says how far it has played it.
/// </summary>
public sealed class BargeInTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task SpeakingOverThePersonaInterruptsItAndOnlyTheHeardPartIsKept()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, opening) = await StartAsync(client);

        await client.InvokeAsync("playback-progress", new { sessionId, turn = 0, segment = 0, playedMs = 1_500 });
        await client.StreamAsync(sessionId, Noisy(TestAudio.IllDisposed.Samples()));

        var interrupted = await client.WaitForEventAsync("response-interrupted", e => e.Int("turn") == 0);
        var started = client.EventsNamed("speech-started").Single();
        var transcript = await client.WaitForEventAsync("transcription", e => e.Int("turn") == 1 && e.Bool("isFinal"));
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var heard = interrupted.Str("heardText")!;
        Assert.True(started.Long("seq") < interrupted.Long("seq"), "speech-started, then response-interrupted");
        Assert.InRange(interrupted.Int("playedMs"), 1_500, 1_500 + 10_000);
        Assert.False(string.IsNullOrEmpty(heard));
        Assert.StartsWith(heard, opening, StringComparison.Ordinal);
        Assert.True(heard.Length < opening.Length, $"'{heard}' is all of the opening");
        Assert.NotEmpty(transcript.Str("text")!);
        Assert.Empty(client.EventsNamed("response-resumed"));

        using var admin = _factory.CreateClient("root", "admin");
        var summary = await admin.SessionAsync(sessionId, s => s.Int("recordedTurns") >= 2);
        var turns = (await admin.EventuallyAsync($"{HistoryTestKit.AdminSessions}/{summary.Str("id")}", d => d.GetProperty("turns").EnumerateArray().Any(t => t.Bool("interrupted"))))
            .GetProperty("turns").EnumerateArray().ToList();
        var cut = turns.Single(t => t.Int("turn") == 0);
        Assert.Equal(heard, cut.Str("aiText"));
        Assert.Equal(interrupted.Int("playedMs"), cut.Int("playedMs"));
    }

    [Fact]
    public async Task AnInterruptionWithoutWordsIsFalseAndThePersonaResumesWhereItStopped()
    {
        _factory.WithServices(services => services.RemoveAll<ISpeechToText>().AddSingleton<ISpeechToText>(new FixedSpeechToText("")));
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, opening) = await StartAsync(client);

        await client.InvokeAsync("playback-progress", new { sessionId, turn = 0, segment = 0, playedMs = 900 });
        await client.StreamAsync(sessionId, Noisy(VadAudio.WhiteNoise(16 * 400, dbfs: -20, seed: 21))); // a cough

        var interrupted = await client.WaitForEventAsync("response-interrupted", e => e.Int("turn") == 0);
        var resumed = await client.WaitForEventAsync("response-resumed", e => e.Int("turn") == 0);
        var next = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Int("segment") == resumed.Int("fromSegment"));
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast") && e.Int("segment") >= resumed.Int("fromSegment"));

        Assert.True(interrupted.Long("seq") < resumed.Long("seq") && resumed.Long("seq") < next.Long("seq"));
        var spokenAgain = string.Join(' ', client.EventsNamed("avatar-response").Where(e => e.Int("turn") == 0 && e.Int("segment") >= resumed.Int("fromSegment")).Select(e => e.Str("text")));
        Assert.EndsWith(spokenAgain.Split(' ')[^1], opening, StringComparison.Ordinal); // it goes on to the end of the line
        Assert.True((interrupted.Str("heardText") + " " + spokenAgain).Trim().Length <= opening.Length + 1, $"nothing heard is said twice: heard '{interrupted.Str("heardText")}', then '{spokenAgain}', of '{opening}'");
        Assert.Empty(client.EventsNamed("error"));
        Assert.DoesNotContain(client.EventsNamed("ai-response"), e => e.Int("turn") == 1);
    }

    [Fact]
    public async Task AFalseInterruptionWhileTheReplyIsStillBeingSpokenKeepsTheWholeReplyInTheHistory()
    {
        const string Second = "Send me your offer in writing first.";
        const string Reply = "The price is fixed for this year. " + Second;
        _factory.WithServices(services =>
        {
            services.RemoveAll<ISpeechToText>().AddSingleton<ISpeechToText>(new FixedSpeechToText("what is the price", ""));
            services.RemoveAll<IRoleplayAi>().AddSingleton<IRoleplayAi>(new FixedReplyAi(Reply));
            services.RemoveAll<IAvatarSpeech>().AddSingleton<IAvatarSpeech>(provider => new SlowFirstTime(provider.GetRequiredService<EspeakAvatarSpeech>(), Second));
        });
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, _) = await StartAsync(client);
        var opening = client.EventsNamed("avatar-response").Where(e => e.Int("turn") == 0).ToList();
        await client.InvokeAsync("playback-progress", new { sessionId, turn = 0, segment = opening[^1].Int("segment"), playedMs = opening[^1].Int("duration") });

        var offset = await client.StreamAsync(sessionId, Noisy(TestAudio.IllDisposed.Samples()));
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Int("segment") == 0);
        await client.InvokeAsync("playback-progress", new { sessionId, turn = 1, segment = 0, playedMs = 300 });
        await client.StreamAsync(sessionId, Noisy(VadAudio.WhiteNoise(16 * 400, dbfs: -20, seed: 23)), startOffset: offset); // a cough
        var resumed = await client.WaitForEventAsync("response-resumed", e => e.Int("turn") == 1);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast") && e.Int("segment") >= resumed.Int("fromSegment"));
        await client.InvokeAsync("end-session", new { sessionId });

        using var admin = _factory.CreateClient("root", "admin");
        var summary = await admin.SessionAsync(sessionId, s => s.Str("status") == "ended");
        var turn = Assert.Single((await admin.DetailAsync(summary.Str("id")!)).GetProperty("turns").EnumerateArray(), t => t.Int("turn") == 1);
        Assert.Single(client.EventsNamed("response-interrupted"), e => e.Int("turn") == 1);
        Assert.Equal(Reply, turn.Str("aiText")); // the whole reply was said after all, though the record the cut left had no text
        Assert.False(turn.Bool("interrupted"));
    }

    [Fact]
    public async Task ABackchannelDoesNotTakeTheTurnAndThePersonaGoesOn()
    {
        _factory.WithServices(services => services.RemoveAll<ISpeechToText>().AddSingleton<ISpeechToText>(new FixedSpeechToText("mhm")));
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, _) = await StartAsync(client);

        await client.InvokeAsync("playback-progress", new { sessionId, turn = 0, segment = 0, playedMs = 900 });
        await client.StreamAsync(sessionId, Noisy(VadAudio.WhiteNoise(16 * 400, dbfs: -20, seed: 22)));

        await client.WaitForEventAsync("response-interrupted", e => e.Int("turn") == 0);
        await client.WaitForEventAsync("response-resumed", e => e.Int("turn") == 0);
        await client.InvokeAsync("end-session", new { sessionId });
        await client.WaitForEventAsync("session-ended");

        Assert.DoesNotContain(client.EventsNamed("ai-response"), e => e.Int("turn") == 1);
        Assert.DoesNotContain(client.EventsNamed("transcription"), e => e.Int("turn") == 1 && !string.IsNullOrEmpty(e.Str("text")) && e.Bool("isFinal"));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task SpeechAfterThePersonaHasFinishedPlayingIsAnOrdinaryTurn()
    {
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, _) = await StartAsync(client);
        var segments = client.EventsNamed("avatar-response").Where(e => e.Int("turn") == 0).ToList();

        await client.InvokeAsync("playback-progress", new { sessionId, turn = 0, segment = segments[^1].Int("segment"), playedMs = segments[^1].Int("duration") });
        await client.StreamAsync(sessionId, Noisy(TestAudio.IllDisposed.Samples()));
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);

        Assert.Empty(client.EventsNamed("response-interrupted"));
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, -1, 0)]
    [InlineData(0, 0, 600_001)]
    public async Task APlaybackReportOutOfRangeIsAnInvalidRequest(int turn, int segment, int playedMs)
    {
        await using var client = await _factory.ConnectAsync("alice");
        var (sessionId, _) = await StartAsync(client);

        await client.RefusedAsync("playback-progress", new { sessionId, turn, segment, playedMs }, "invalid-request");
    }

    /// <summary>Starts a server-vad session and waits for its whole opening line; returns the session and the line.</summary>
    private static async Task<(string SessionId, string Opening)> StartAsync(RoleplayHubClient client)
    {
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, turnDetection = new { type = "server-vad", detector = "energy" } });
        var sessionId = started.Str("sessionId")!;
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 0);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0 && e.Bool("isLast"));
        return (sessionId, reply.Str("text")!);
    }

    /// <summary>Quiet room noise, the sound, and a second of room noise after it (the stop).</summary>
    private static byte[] Noisy(short[] sound)
    {
        var samples = VadAudio.Pad(sound, 16 * 1_000)[(16 * 700)..]; // 300 ms before, 1 s after
        return TestAudio.ToBytes(VadAudio.Mix(samples, VadAudio.WhiteNoise(samples.Length, dbfs: -60, seed: 5)));
    }

    /// <summary>A recogniser that hears <paramref name="texts"/> in any audio, one utterance after another, the last one
    /// from then on (nothing, when empty).</summary>
    private sealed class FixedSpeechToText(params string[] texts) : ISpeechToText
    {
        private int _heard;

        public string Name => "pocketsphinx";

        public IReadOnlyCollection<string> Languages { get; } = ["en-US", "zh-CN"];

        public ISpeechRecognizer CreateRecognizer(RecognizerRequest request) => new Recognizer(this);

        private string Current => texts[Math.Min(Volatile.Read(ref _heard), texts.Length - 1)];

        private sealed class Recognizer(FixedSpeechToText owner) : ISpeechRecognizer
        {
            public ValueTask StartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask<SpeechHypothesis?> AcceptAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken) =>
                ValueTask.FromResult<SpeechHypothesis?>(owner.Current.Length == 0 ? null : new SpeechHypothesis(owner.Current));

            public ValueTask<SpeechHypothesis> EndUtteranceAsync(CancellationToken cancellationToken)
            {
                var text = owner.Current;
                Interlocked.Increment(ref owner._heard);
                return ValueTask.FromResult(new SpeechHypothesis(text));
            }

            public ValueTask CancelUtteranceAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>A model that gives every turn the same reply, in one piece.</summary>
    private sealed class FixedReplyAi(string reply) : IRoleplayAi
    {
        public string Name => "scripted";

        public IRoleplayConversation StartConversation(ConversationSetup setup) => new Conversation(reply);

        private sealed class Conversation(string reply) : IRoleplayConversation
        {
            public async IAsyncEnumerable<string> ReplyAsync(AiTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
            {
                await Task.Yield();
                yield return reply;
            }

            public void Commit(AiTurn turn, string reply)
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>espeak-ng, slow to speak <paramref name="slowText"/> the first time (a cloud voice having a bad moment):
    /// the reply is still being spoken when the trainee coughs.</summary>
    private sealed class SlowFirstTime(IAvatarSpeech inner, string slowText) : IAvatarSpeech
    {
        private int _slowed;

        public string Name => inner.Name;

        public bool Supports(string language) => inner.Supports(language);

        public async ValueTask<AvatarClip> SynthesizeAsync(SpeechRequest request, CancellationToken cancellationToken)
        {
            if (request.Text == slowText && Interlocked.Exchange(ref _slowed, 1) == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }

            return await inner.SynthesizeAsync(request, cancellationToken);
        }
    }
}
