using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>The whole turn with the real offline providers: a recording in, a transcript, a reply and speech out.</summary>
public sealed class HappyPathTests : IDisposable
{
    private readonly RoleplayHubFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [MemberData(nameof(HubTransports.All), MemberType = typeof(HubTransports))]
    public async Task ARealRecordingStreamedInQuarterSecondChunksGetsTranscriptReplyAndDownloadableSpeech(HttpTransportType transport)
    {
        await using var client = await _factory.ConnectAsync("alice", new HubClientOptions(transport));
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, audioFormat = new { encoding = "pcm16", sampleRate = 16000, channels = 1 } });
        var sessionId = started.Str("sessionId")!;
        var config = started.GetProperty("audioConfig");
        Assert.Equal(32_768, config.Int("flushBytes"));
        Assert.Equal(2_000, config.Int("flushIdleMs"));
        Assert.Equal(250, config.Int("chunkMs"));
        Assert.Equal("Linda Park", started.GetProperty("buyerPersona").Str("name"));
        var opening = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 0);
        Assert.StartsWith("Hello, I'm Linda Park", opening.Str("text"));

        var audio = TestAudio.IllDisposed.Pcm16();
        var total = await client.StreamAsync(sessionId, audio, chunkBytes: 8_000); // 250 ms of 16 kHz PCM16
        await client.CommitAsync(sessionId);

        var transcription = await client.WaitForEventAsync("transcription", e => e.Bool("isFinal") && e.Int("turn") == 1);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Int("segment") == 0);

        var acks = client.EventsNamed("audio-received");
        Assert.Equal((int)Math.Ceiling(audio.Length / 8000.0), acks.Count);
        Assert.Equal(total, acks[^1].Long("totalBytes"));
        Assert.Contains(client.EventsNamed("transcription"), e => !e.Bool("isFinal")); // size flushes gave partials
        var wer = TestAudio.WordErrorRate(TestAudio.IllDisposed.Reference, transcription.Str("text")!);
        Assert.True(wer <= 0.5, $"WER {wer:P0}: '{transcription.Str("text")}'");
        Assert.Equal(1, reply.Int("turnCount"));
        Assert.Equal(8, reply.Int("maxTurns"));
        Assert.False(string.IsNullOrWhiteSpace(reply.Str("text")));
        Assert.True(reply.GetProperty("timings").Int("sttMs") >= 0);
        Assert.True(avatar.GetProperty("timings").Int("ttsMs") >= 0);
        Assert.Equal("audio/wav", avatar.Str("mimeType"));
        Assert.True(avatar.GetProperty("visemes").GetArrayLength() > 3);

        using var http = _factory.CreateClient();
        var download = await http.GetAsync(avatar.Str("audioUrl"));
        var wav = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("audio/wav", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(wav.Length, download.Content.Headers.ContentLength);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        var sampleRate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24));
        var dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        var seconds = dataBytes / 2.0 / sampleRate;
        Assert.InRange(avatar.Int("duration"), (int)(seconds * 1000) - 2, (int)(seconds * 1000) + 2);

        await client.InvokeAsync("end-session", new { sessionId });
        var ended = await client.WaitForEventAsync("session-ended");
        Assert.Equal("client", ended.Str("reason"));
        Assert.Equal(1, ended.Int("totalTurns"));
        Assert.Empty(client.EventsNamed("error"));
    }

    [Fact]
    public async Task MediaUrlsAreSignedAndSupportRanges()
    {
        await using var client = await _factory.ConnectAsync("alice");
        await client.StartAsync();
        var opening = client.EventsNamed("avatar-response")[0];
        var url = opening.Str("audioUrl")!;
        using var http = _factory.CreateClient();

        var tampered = await http.GetAsync(url.Replace("sig=", "sig=x", StringComparison.Ordinal));
        var unsigned = await http.GetAsync(url[..url.IndexOf('?', StringComparison.Ordinal)]);
        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 43);
        var partial = await http.SendAsync(range);

        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal("application/problem+json", tampered.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(44, (await partial.Content.ReadAsByteArrayAsync()).Length);
    }
}
