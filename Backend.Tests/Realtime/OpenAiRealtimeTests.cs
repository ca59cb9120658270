using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>The GA dialect of OpenAI's Realtime protocol, for OpenAI and Azure, against <see cref="FakeOpenAiRealtime"/>.</summary>
public sealed class OpenAiRealtimeTests
{
    private const string Reply = "Fine, what is your best price?"; // 30 characters: 1.8 s of fake audio

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Azure)]
    public async Task ConnectingSendsTheGaSessionAndReturnsOnceTheVendorConfirmedIt(string vendor)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor, profile: p =>
        {
            p.Deployment = vendor == RealtimeVendors.Azure ? "my-realtime" : null;
            p.TranscriptionModel = vendor == RealtimeVendors.Azure ? "my-transcribe" : null;
        });

        await using var connection = await kit.ConnectAsync();

        var session = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement;
        Assert.Equal("realtime", session.GetProperty("type").GetString());
        Assert.Equal("You are a procurement manager.", session.GetProperty("instructions").GetString());
        Assert.Equal("audio", session.GetProperty("output_modalities")[0].GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal(24000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("server_vad", input.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.Equal("en", input.GetProperty("transcription").GetProperty("language").GetString());
        Assert.Equal(vendor == RealtimeVendors.Azure ? "my-transcribe" : "gpt-4o-mini-transcribe",
            input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal("alloy", session.GetProperty("audio").GetProperty("output").GetProperty("voice").GetString());
        Assert.Equal(vendor == RealtimeVendors.Azure ? "my-realtime" : "fake-model", kit.Fake.LastSession.Model);
        Assert.Equal((24000, 24000, true, true), (connection.InputSampleRate, connection.OutputSampleRate, connection.VendorDetectsSpeech, connection.CanTruncate));
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Azure)]
    public async Task SpeechGivesVadEventsATranscriptAndAStreamedReply(string vendor)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor, profile: p => (p.Deployment, p.TranscriptionModel) = ("d", "t"));
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SpeakOneSecondAsync(connection);

        var started = await events.NextAsync<SpeechStarted>();
        var stopped = await events.NextAsync<SpeechStopped>();
        var transcript = await events.NextAsync<InputTranscript>(t => t.IsFinal);
        var done = await events.NextAsync<ResponseDone>();
        Assert.Equal(0, started.AudioStartMs);                   // speech at 300 ms, less 300 ms of prefix padding
        Assert.InRange(stopped.AudioEndMs, 1790, 1820);          // the last speech at 1300 ms + 500 ms of silence
        Assert.Equal("(1.0 s of speech)", transcript.Text);
        Assert.Contains(events.Seen, e => e is InputTranscript { IsFinal: false });
        Assert.Single(events.All<ResponseStarted>());
        Assert.Equal(Reply, string.Concat(events.All<OutputTranscriptDelta>().Select(d => d.Text)));
        Assert.Equal(Reply.Length * 60 * 24 * 2, events.All<OutputAudio>().Sum(a => a.Pcm16.Length)); // 60 ms per character at 24 kHz
        Assert.True(events.All<OutputAudio>().Count() >= 18);    // streamed in 100 ms deltas
        Assert.Equal(new ResponseDone(Reply, RealtimeResponseStatus.Completed), done);
        Assert.InRange(kit.Fake.LastSession.AudioMs, 1999, 2001);
    }

    [Fact]
    public async Task ManualTurnDetectionCommitsAndAsksForTheReply()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);
        kit.Fake.Script.EnqueueUserTranscript("What discount can you give?");
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(800, 24000), RealtimeAudio.Silence(1000, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);

        var transcript = await events.NextAsync<InputTranscript>(t => t.IsFinal);
        await events.NextAsync<ResponseDone>();
        Assert.Equal("What discount can you give?", transcript.Text);
        Assert.False(connection.VendorDetectsSpeech);
        Assert.Empty(events.All<SpeechStarted>());
        var input = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement.GetProperty("audio").GetProperty("input");
        Assert.Equal(JsonValueKind.Null, input.GetProperty("turn_detection").ValueKind);
        Assert.Equal(["input_audio_buffer.commit", "response.create"], kit.Fake.LastSession.ClientEvents.Where(e => !e.StartsWith("input_audio_buffer.append", StringComparison.Ordinal)).Skip(1));
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Azure)]
    public async Task BargeInCancelsTheReplyAndTruncatesItWhereTheUserStoppedHearing(string vendor)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor, fake => fake.Speed = 1, profile: p => p.Deployment = "d");
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        await events.NextAsync<OutputAudio>();
        await events.NextAsync<OutputAudio>();
        await events.NextAsync<OutputAudio>();              // 300 ms of the reply has arrived

        await connection.CancelResponseAsync(responseId: null, playedMs: 250, RealtimeKit.Deadline);

        var done = await events.NextAsync<ResponseDone>();
        var truncated = await events.NextAsync<ResponseTruncated>();
        Assert.Equal(RealtimeResponseStatus.Cancelled, done.Status);
        Assert.True(done.Transcript.Length < Reply.Length);
        Assert.Equal(250, truncated.AudioEndMs);
        Assert.Equal([250], kit.Fake.LastSession.Truncations);
        Assert.Equal(1, kit.Fake.LastSession.Cancels);
    }

    [Fact]
    public async Task CancellingAfterTheReplyEndedTruncatesWithoutCancelling()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi, fake => fake.Speed = 20);
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        await events.NextAsync<ResponseDone>();              // generated in full, still playing on the page

        await connection.CancelResponseAsync(responseId: null, playedMs: 1000, RealtimeKit.Deadline);

        Assert.Equal(1000, (await events.NextAsync<ResponseTruncated>()).AudioEndMs);
        Assert.Equal(0, kit.Fake.LastSession.Cancels);
        Assert.Empty(events.All<RealtimeFailure>());
    }

    [Fact]
    public async Task CuttingAReplyTheVendorHasMovedPastLeavesTheNextReplyPlaying()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi, fake => fake.Speed = 1);
        kit.Fake.Script.EnqueueReply("Yes.");
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        var first = await events.NextAsync<ResponseStarted>();
        await events.NextAsync<ResponseDone>();
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        var second = await events.NextAsync<ResponseStarted>();
        await events.NextAsync<OutputAudio>();              // the second reply is under way

        await connection.CancelResponseAsync(first.ResponseId, playedMs: 100, RealtimeKit.Deadline); // the caller was behind

        var truncated = await events.NextAsync<ResponseTruncated>();
        var done = await events.NextAsync<ResponseDone>();
        Assert.NotEqual(first.ResponseId, second.ResponseId);
        Assert.Equal(100, truncated.AudioEndMs);            // the first reply's item, cut where it was heard
        Assert.Equal(new ResponseDone(Reply, RealtimeResponseStatus.Completed), done);
        Assert.Equal(0, kit.Fake.LastSession.Cancels);
    }

    [Theory]
    [InlineData(FakeFault.RateLimit, true, "rate_limit_exceeded")]
    [InlineData(FakeFault.ServerError, true, "server_error")]
    public async Task VendorErrorsBecomeAiFailuresWithTheRightRetryable(FakeFault fault, bool retryable, string vendorCode)
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);
        kit.Fake.Script.FailNextResponse(fault);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);

        var failure = await events.NextAsync<RealtimeFailure>();
        Assert.Equal((ErrorCodes.AiFailed, retryable, vendorCode), (failure.Code, failure.Retryable, failure.VendorCode));
    }

    [Fact]
    public async Task CommittingTooLittleAudioIsANonRetryableFailure()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await connection.CommitAsync(RealtimeKit.Deadline);

        var failure = await events.NextAsync<RealtimeFailure>();
        Assert.Equal(("input_audio_buffer_commit_empty", false), (failure.VendorCode, failure.Retryable));
    }

    [Theory]
    [InlineData(RealtimeVendors.OpenAi)]
    [InlineData(RealtimeVendors.Azure)]
    public async Task ABadKeyIsRefusedAndNotRetried(string vendor)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor, profile: p =>
        {
            p.ApiKey = "sk-wrong-key";
            p.Deployment = "d";
        });

        var refused = await Assert.ThrowsAsync<RealtimeProviderException>(() => kit.ConnectAsync());

        Assert.Equal((ErrorCodes.AiFailed, false), (refused.Code, refused.Retryable));
        Assert.Contains("API key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCapSurfacesAsExpiringThenClosedBySessionCapAndLaterSendsThrow()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi, fake => fake.SessionCap = TimeSpan.FromSeconds(1));
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        var expiring = await events.NextAsync<SessionExpiring>();
        var closed = await events.NextAsync<Closed>();

        Assert.Equal(TimeSpan.Zero, expiring.TimeLeft);
        Assert.Equal(RealtimeCloseReason.SessionCap, closed.Reason);
        Assert.Contains("maximum duration", closed.Detail, StringComparison.Ordinal);
        Assert.False(await events.Reader.WaitToReadAsync()); // Closed is the last event
        var closedSend = await Assert.ThrowsAsync<RealtimeProviderException>(() => connection.AppendAudioAsync(new byte[4800], CancellationToken.None).AsTask());
        Assert.True(closedSend.Retryable);
        Assert.True(closedSend.ConnectionClosed);
    }

    [Fact]
    public async Task ASendRacingTheConnectionsDisposalThrowsTheClosedConnectionsErrorNotTheSockets()
    {
        // The worker can still hold a connection it has just replaced and disposed: its audio must meet the same error
        // as on a connection the vendor closed, which the worker drops.
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);
        var connection = await kit.ConnectAsync();
        await connection.DisposeAsync();

        var append = await Assert.ThrowsAsync<RealtimeProviderException>(() => connection.AppendAudioAsync(new byte[4800], CancellationToken.None).AsTask());
        var commit = await Assert.ThrowsAsync<RealtimeProviderException>(() => connection.CommitAsync(CancellationToken.None).AsTask());

        Assert.True(append.ConnectionClosed && append.Retryable);
        Assert.True(commit.ConnectionClosed);
    }

    [Fact]
    public async Task HistoryReSeedsTheConversationAfterTheSessionIsConfirmed()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);

        await using var connection = await kit.ConnectAsync(history:
            [new(RealtimeRole.User, "Hello, I sell chairs."), new(RealtimeRole.Assistant, "What do they cost?")]);

        await WaitUntil(() => kit.Fake.LastSession.History.Count == 2);
        Assert.Equal(["user: Hello, I sell chairs.", "assistant: What do they cost?"], kit.Fake.LastSession.History);
        Assert.Equal(["session.update", "conversation.item.create", "conversation.item.create"], kit.Fake.LastSession.ClientEvents);
    }

    [Fact]
    public async Task FinishingClosesTheConnectionAsFinished()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.OpenAi);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await connection.FinishAsync(RealtimeKit.Deadline);

        Assert.Equal(RealtimeCloseReason.Finished, (await events.NextAsync<Closed>()).Reason);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++) // up to 20 s: a loaded test machine is slow, a passing test is not
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
