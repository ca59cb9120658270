using System.Buffers.Binary;
using System.Net;
using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>
/// A zh-CN turn with every cloud stage on Aliyun — NLS real-time transcription, NLS REST TTS in the persona's voice,
/// OSS for the audio — against the fake services: the protocol sequences, the token, the signatures and the URLs
/// are the real ones.
/// </summary>
public sealed class AliyunHappyPathTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task AZhCnTurnIsTranscribedAnsweredSpokenAndStoredOnOss()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        await using var client = await factory.ConnectAsync("wang");
        var started = await client.InvokeAsync("start-session", new { scenarioId = HubTestKit.Scenario, language = "zh-CN" });
        var sessionId = started.Str("sessionId")!;
        Assert.Equal("zh-CN", started.Str("language"));
        Assert.Equal("李薇", started.GetProperty("buyerPersona").Str("name"));
        var opening = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 0);

        // The first second of speech, then (once NLS has sent a partial result) the rest: the partial reaches the client.
        var audio = FakeSpeech.Encode(AliyunHubKit.Question);
        await client.StreamAsync(sessionId, audio[..32_768]);
        await Until(() => _fake.Nls.PartialsSent > 0);
        await client.StreamAsync(sessionId, audio[32_768..], startOffset: 32_768);
        await client.CommitAsync(sessionId);

        var final = await client.FinalAsync(1);
        var reply = await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        var avatar = await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));

        Assert.Equal(AliyunHubKit.Question, final.Str("text"));
        Assert.Contains(client.EventsNamed("transcription"), e => !e.Bool("isFinal") && AliyunHubKit.Question.StartsWith(e.Str("text")!, StringComparison.Ordinal));
        var words = final.GetProperty("words").EnumerateArray().ToList();
        Assert.Equal("你", words[0].Str("word"));
        Assert.True(words[^1].Int("endMs") > words[0].Int("startMs"));
        Assert.Matches("[\u4e00-\u9fff]", reply.Str("text")!);
        Assert.Contains(_fake.Nls.TtsCalls, c => c.Voice == "aixia" && reply.Str("text")!.Contains(c.Text, StringComparison.Ordinal));
        Assert.Empty(client.EventsNamed("error"));

        // The start directive asked for what the recogniser relies on.
        var payload = _fake.Nls.StartPayloads.First();
        Assert.Equal("pcm", payload["format"]!.GetValue<string>());
        Assert.Equal(16000, payload["sample_rate"]!.GetValue<int>());
        Assert.True(payload["enable_intermediate_result"]!.GetValue<bool>());
        Assert.All(_fake.Nls.FrameSizes, size => Assert.True(size <= 3_200, $"frame of {size} B")); // 100 ms frames
        Assert.Equal(1, _fake.Tokens.Issued); // one token for every call of every stage

        // The avatar's audio is an OSS V4 presigned URL on the fake OSS that downloads without credentials.
        var url = avatar.Str("audioUrl")!;
        Assert.StartsWith($"{_fake.Oss.Url}/{_fake.Account.Bucket}/roleplayhub/avatar/", url, StringComparison.Ordinal);
        Assert.Contains("x-oss-signature-version=OSS4-HMAC-SHA256", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        var download = await http.GetAsync(url);
        var wav = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("audio/wav", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        var dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.Equal(wav.Length - 44, dataBytes);
        Assert.InRange(avatar.Int("duration"), (dataBytes / 32) - 1, (dataBytes / 32) + 1);
        Assert.True(avatar.GetProperty("visemes").GetArrayLength() > 2);
        Assert.Contains("OSS4 header", _fake.Oss.Signatures);
        Assert.Contains("OSS4 query", _fake.Oss.Signatures);
        Assert.StartsWith(_fake.Oss.Url, opening.Str("audioUrl"), StringComparison.Ordinal);

        // The user's own recording went to OSS too.
        Assert.Contains(_fake.Oss.Objects.Keys, k => k.StartsWith("roleplayhub/user/", StringComparison.Ordinal));

        await client.InvokeAsync("end-session", new { sessionId });
        Assert.Equal("client", (await client.WaitForEventAsync("session-ended")).Str("reason"));
    }

    [Fact]
    public async Task TheS3CompatibleStoreSignsWithSigV4AndItsPresignedUrlsDownload()
    {
        using var factory = AliyunHubKit.Factory(_fake, media: "s3");
        await using var client = await factory.ConnectAsync("wang");

        await client.StartZhAsync();

        var opening = client.EventsNamed("avatar-response")[0];
        var url = opening.Str("audioUrl")!;
        Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);
        Assert.Contains("AWS4 header", _fake.Oss.Signatures);
        using var http = new HttpClient();
        var download = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString((await download.Content.ReadAsByteArrayAsync())[..4]));
        var tampered = await http.GetAsync(url.Replace("X-Amz-Signature=", "X-Amz-Signature=0", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }

    [Fact]
    public async Task TheOneSentenceRestApiRecognisesAWholeUtterance()
    {
        using var factory = AliyunHubKit.Factory(_fake, extra: ("Aliyun:Stt:Mode", "rest"));
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();

        await client.SayAsync(sessionId, AliyunHubKit.Question);

        Assert.Equal(AliyunHubKit.Question, (await client.FinalAsync(1)).Str("text"));
        await client.WaitForEventAsync("ai-response", e => e.Int("turn") == 1);
        Assert.Equal(0, _fake.Nls.TasksStarted); // no WebSocket involved
    }

    [Fact]
    public async Task ReadinessReportsTheAliyunTokenAndTheBucket()
    {
        using var factory = AliyunHubKit.Factory(_fake);
        using var http = factory.CreateClient();

        var ready = await http.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"name\":\"speech:aliyun\",\"status\":\"ready\"", body, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"media:oss\",\"status\":\"ready\"", body, StringComparison.Ordinal);

        _fake.Tokens.Unavailable = true;
        using var down = AliyunHubKit.Factory(_fake); // a new process: no cached token
        var notReady = await down.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("token service", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
