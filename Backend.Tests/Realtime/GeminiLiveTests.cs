using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>The Gemini Live client against <see cref="FakeGeminiLive"/>.</summary>
public sealed class GeminiLiveTests
{
    private const string Reply = "Fine, what is your best price?";

    private static Task<RealtimeKit> StartAsync(Action<FakeRealtimeOptions>? fake = null, Action<RealtimeProfileOptions>? profile = null) =>
        RealtimeKit.StartAsync(RealtimeVendors.Gemini, fake, p =>
        {
            p.Model = "gemini-live-2.5-flash-preview";
            p.Voice = "Puck";
            profile?.Invoke(p);
        });

    [Fact]
    public async Task ConnectingSendsSetupAndReturnsAfterSetupComplete()
    {
        await using var kit = await StartAsync();

        await using var connection = await kit.ConnectAsync();

        var setup = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement;
        Assert.Equal("models/gemini-live-2.5-flash-preview", setup.GetProperty("model").GetString());
        var generation = setup.GetProperty("generationConfig");
        Assert.Equal("AUDIO", generation.GetProperty("responseModalities")[0].GetString());
        Assert.Equal("Puck", generation.GetProperty("speechConfig").GetProperty("voiceConfig").GetProperty("prebuiltVoiceConfig").GetProperty("voiceName").GetString());
        Assert.Equal("en-US", generation.GetProperty("speechConfig").GetProperty("languageCode").GetString());
        Assert.Equal("You are a procurement manager.", setup.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.False(setup.GetProperty("realtimeInputConfig").GetProperty("automaticActivityDetection").GetProperty("disabled").GetBoolean());
        Assert.True(setup.TryGetProperty("inputAudioTranscription", out _));
        Assert.True(setup.TryGetProperty("outputAudioTranscription", out _));
        Assert.Equal((16000, 24000, false), (connection.InputSampleRate, connection.OutputSampleRate, connection.CanTruncate));
    }

    [Fact]
    public async Task SpeechGivesATranscriptAStreamedReplyAndAResumptionHandle()
    {
        await using var kit = await StartAsync();
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SpeakOneSecondAsync(connection);

        var transcript = await events.NextAsync<InputTranscript>(t => t.IsFinal);
        var done = await events.NextAsync<ResponseDone>();
        var handle = await events.NextAsync<ResumptionUpdate>();
        Assert.Equal("(1.0 s of speech)", transcript.Text);
        Assert.Single(events.All<ResponseStarted>());
        Assert.Equal(new ResponseDone(Reply, RealtimeResponseStatus.Completed), done);
        Assert.Equal(Reply, string.Concat(events.All<OutputTranscriptDelta>().Select(d => d.Text)));
        Assert.Equal(Reply.Length * 60 * 24 * 2, events.All<OutputAudio>().Sum(a => a.Pcm16.Length));
        Assert.StartsWith("fake-handle-", handle.Handle, StringComparison.Ordinal);
        Assert.InRange(kit.Fake.LastSession.AudioMs, 1999, 2001);
    }

    [Fact]
    public async Task ManualTurnsOpenAnActivityWithTheFirstAudioAndCloseItOnCommit()
    {
        await using var kit = await StartAsync();
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 16000), RealtimeAudio.Silence(1000, 16000));
        await connection.CommitAsync(RealtimeKit.Deadline);

        await events.NextAsync<ResponseDone>();
        var sent = kit.Fake.LastSession.ClientEvents.Where(e => e != "realtimeInput.audio").ToList();
        Assert.Equal(["setup", "realtimeInput.activityStart", "realtimeInput.activityEnd"], sent);
        var setup = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement;
        Assert.True(setup.GetProperty("realtimeInputConfig").GetProperty("automaticActivityDetection").GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task SpeakingDuringAReplyInterruptsItAndCancellingSendsNothing()
    {
        await using var kit = await StartAsync(fake => fake.Speed = 1);
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SpeakOneSecondAsync(connection);
        await events.NextAsync<OutputAudio>();

        await connection.CancelResponseAsync(responseId: null, playedMs: 100, RealtimeKit.Deadline);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(300, 16000));

        await events.NextAsync<Interrupted>();
        Assert.Equal(RealtimeResponseStatus.Cancelled, (await events.NextAsync<ResponseDone>()).Status);
        Assert.Equal(["setup"], kit.Fake.LastSession.ClientEvents.Where(e => e != "realtimeInput.audio")); // cancel sent nothing
    }

    [Fact]
    public async Task ABadKeyIsRefusedAndNotRetried()
    {
        await using var kit = await StartAsync(profile: p => p.ApiKey = "AIza-wrong");

        var refused = await Assert.ThrowsAsync<RealtimeProviderException>(() => kit.ConnectAsync());

        Assert.Equal((ErrorCodes.AiFailed, false), (refused.Code, refused.Retryable));
        Assert.Contains("API key not valid", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExhaustedQuotaIsARetryableFailureThenAnErrorClose()
    {
        await using var kit = await StartAsync();
        kit.Fake.Script.FailNextResponse(FakeFault.RateLimit);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SpeakOneSecondAsync(connection);

        var failure = await events.NextAsync<RealtimeFailure>();
        Assert.Equal((ErrorCodes.AiFailed, true, "1011"), (failure.Code, failure.Retryable, failure.VendorCode));
        Assert.Equal(RealtimeCloseReason.Error, (await events.NextAsync<Closed>()).Reason);
    }

    [Fact]
    public async Task GoAwayAnnouncesTheCapWithTheTimeLeftThenTheCloseIsASessionCap()
    {
        await using var kit = await StartAsync(fake => (fake.SessionCap, fake.GoAwayLead) = (TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.5)));
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        var expiring = await events.NextAsync<SessionExpiring>();
        var closed = await events.NextAsync<Closed>();

        Assert.Equal(TimeSpan.FromSeconds(0.5), expiring.TimeLeft);
        Assert.Equal(RealtimeCloseReason.SessionCap, closed.Reason);
    }

    [Fact]
    public async Task AResumptionHandleContinuesTheSessionOnANewConnectionWithoutReSeeding()
    {
        await using var kit = await StartAsync();
        string handle;
        await using (var first = await kit.ConnectAsync())
        {
            var events = new RealtimeEvents(first);
            await RealtimeAudio.SpeakOneSecondAsync(first);
            await events.NextAsync<ResponseDone>();
            handle = (await events.NextAsync<ResumptionUpdate>()).Handle;
        }

        await using var second = await kit.ConnectAsync(history: [new(RealtimeRole.User, "Hello")], resumptionHandle: handle);

        Assert.Equal(handle, kit.Fake.LastSession.ResumedFrom);
        Assert.Equal(handle, JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement.GetProperty("sessionResumption").GetProperty("handle").GetString());
        Assert.Empty(kit.Fake.LastSession.History);
    }

    [Fact]
    public async Task WithoutAHandleTheHistoryIsSentAsClientContent()
    {
        await using var kit = await StartAsync();

        await using var connection = await kit.ConnectAsync(history: [new(RealtimeRole.User, "Hello"), new(RealtimeRole.Assistant, "Hi, what do you sell?")]);

        await OpenAiRealtimeTests.WaitUntil(() => kit.Fake.LastSession.History.Count == 2);
        Assert.Equal(["user: Hello", "model: Hi, what do you sell?"], kit.Fake.LastSession.History);
    }

    [Fact]
    public async Task AnUnknownResumptionHandleIsRefused()
    {
        await using var kit = await StartAsync();

        var refused = await Assert.ThrowsAsync<RealtimeProviderException>(() => kit.ConnectAsync(resumptionHandle: "stale"));

        Assert.False(refused.Retryable);
    }

    [Theory]
    [InlineData("10s", 10.0)]
    [InlineData("1.5s", 1.5)]
    public void GoAwayDurationsAreProtobufDurations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Providers.Realtime.Gemini.GeminiLiveConnection.Duration(text));
}
