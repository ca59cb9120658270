using System.Text.Json;
using RoleplayHub.Core;
using RoleplayHub.Fakes.Realtime;
using RoleplayHub.Providers.Realtime;

namespace RoleplayHub.Tests.Realtime;

/// <summary>The beta-named dialect — StepFun, GLM-Realtime, Qwen-Omni-Realtime — and each vendor's quirks, against
/// <see cref="FakeOpenAiRealtime"/> in that vendor's mode.</summary>
public sealed class BetaDialectRealtimeTests
{
    private const string Reply = "Fine, what is your best price?";

    [Theory]
    [InlineData(RealtimeVendors.StepFun, 24000)]
    [InlineData(RealtimeVendors.Qwen, 16000)]
    public async Task SpeechGivesVadEventsATranscriptAndAStreamedReplyInTheBetaDialect(string vendor, int inputRate)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor);
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SpeakOneSecondAsync(connection);

        await events.NextAsync<SpeechStopped>();
        var transcript = await events.NextAsync<InputTranscript>(t => t.IsFinal);
        var done = await events.NextAsync<ResponseDone>();
        Assert.Equal((inputRate, 24000), (connection.InputSampleRate, connection.OutputSampleRate));
        Assert.Equal("(1.0 s of speech)", transcript.Text);
        Assert.Equal(new ResponseDone(Reply, RealtimeResponseStatus.Completed), done);
        Assert.Equal(Reply.Length * 60 * 24 * 2, events.All<OutputAudio>().Sum(a => a.Pcm16.Length)); // from response.audio.delta
        var session = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement;
        Assert.False(session.TryGetProperty("type", out _));     // no GA session.type
        Assert.Equal("pcm16", session.GetProperty("input_audio_format").GetString());
        Assert.Equal("audio", session.GetProperty("modalities")[1].GetString());
        Assert.Equal("server_vad", session.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.InRange(kit.Fake.LastSession.AudioMs, 1999, 2001); // the fake decoded the audio at the vendor's rate
    }

    [Fact]
    public async Task GlmSendsEveryChunkAsAWavFileWithAClientTimestampAndUsesClientVad()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.Glm);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 16000)); // five 100 ms chunks
        await connection.CommitAsync(RealtimeKit.Deadline);

        await events.NextAsync<ResponseDone>();
        Assert.Empty(events.All<RealtimeFailure>()); // the fake refuses an event without client_timestamp
        Assert.Equal(5, kit.Fake.LastSession.WavChunks);
        Assert.Equal(16000, kit.Fake.LastSession.InputSampleRate);
        Assert.InRange(kit.Fake.LastSession.AudioMs, 499, 501);
        var session = JsonDocument.Parse(kit.Fake.LastSession.SessionConfig!).RootElement;
        Assert.Equal("wav", session.GetProperty("input_audio_format").GetString());
        Assert.Equal("client_vad", session.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.Equal("audio", session.GetProperty("beta_fields").GetProperty("chat_mode").GetString());
    }

    [Fact]
    public async Task GlmBargeInCancelsTheReplyWithoutTruncating()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.Glm, fake => fake.Speed = 1);
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 16000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        await events.NextAsync<OutputAudio>();
        await events.NextAsync<OutputAudio>();

        await connection.CancelResponseAsync(responseId: null, playedMs: 150, RealtimeKit.Deadline);

        Assert.Equal(RealtimeResponseStatus.Cancelled, (await events.NextAsync<ResponseDone>()).Status);
        Assert.False(connection.CanTruncate);
        Assert.Equal(1, kit.Fake.LastSession.Cancels);
        Assert.DoesNotContain("conversation.item.truncate", kit.Fake.LastSession.ClientEvents);
        Assert.Empty(events.All<RealtimeFailure>());
    }

    [Fact]
    public async Task StepFunBargeInTruncatesLikeOpenAi()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.StepFun, fake => fake.Speed = 1);
        kit.Fake.Script.EnqueueReply(Reply);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);
        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 24000));
        await connection.CommitAsync(RealtimeKit.Deadline);
        await events.NextAsync<OutputAudio>();
        await events.NextAsync<OutputAudio>();

        await connection.CancelResponseAsync(responseId: null, playedMs: 150, RealtimeKit.Deadline);

        Assert.Equal(150, (await events.NextAsync<ResponseTruncated>()).AudioEndMs);
        Assert.Equal(RealtimeResponseStatus.Cancelled, events.All<ResponseDone>().Single().Status);
    }

    [Fact]
    public async Task GlmHeartbeatsAreNotReported()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.Glm, fake => fake.HeartbeatInterval = TimeSpan.FromMilliseconds(50));
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await Task.Delay(400);
        await connection.FinishAsync(RealtimeKit.Deadline);

        await events.NextAsync<Closed>();
        Assert.Equal([typeof(Closed)], events.Seen.Select(e => e.GetType()));
    }

    [Fact]
    public async Task QwenFinishesWithSessionFinishAndClosesAsFinished()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.Qwen);
        await using var connection = await kit.ConnectAsync();
        var events = new RealtimeEvents(connection);

        await connection.FinishAsync(RealtimeKit.Deadline);

        Assert.Equal(RealtimeCloseReason.Finished, (await events.NextAsync<Closed>()).Reason);
        Assert.True(kit.Fake.LastSession.Finished);
        Assert.Contains("session.finish", kit.Fake.LastSession.ClientEvents);
    }

    [Theory]
    [InlineData(RealtimeVendors.StepFun)]
    [InlineData(RealtimeVendors.Glm)]
    [InlineData(RealtimeVendors.Qwen)]
    public async Task ABadKeyIsRefusedAtTheUpgradeAndNotRetried(string vendor)
    {
        await using var kit = await RealtimeKit.StartAsync(vendor, profile: p => p.ApiKey = "wrong");

        var refused = await Assert.ThrowsAsync<RealtimeProviderException>(() => kit.ConnectAsync());

        Assert.Equal((ErrorCodes.AiFailed, false), (refused.Code, refused.Retryable));
        Assert.Contains("HTTP 401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BetaRateLimitsAreRetryable()
    {
        await using var kit = await RealtimeKit.StartAsync(RealtimeVendors.Qwen);
        kit.Fake.Script.FailNextResponse(FakeFault.RateLimit);
        await using var connection = await kit.ConnectAsync(RealtimeTurnDetection.Manual);
        var events = new RealtimeEvents(connection);

        await RealtimeAudio.SendAsync(connection, RealtimeAudio.Speech(500, 16000));
        await connection.CommitAsync(RealtimeKit.Deadline);

        Assert.True((await events.NextAsync<RealtimeFailure>()).Retryable);
    }
}
