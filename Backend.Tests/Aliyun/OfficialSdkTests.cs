using System.Text.Json;
using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>
/// Alibaba Cloud's own Node SDKs (<c>alibabacloud-nls</c> with <c>@alicloud/pop-core</c>, and <c>ali-oss</c>)
/// against the fakes: if the fakes accept the real clients' signatures and drive their event handlers to completion,
/// they behave like the service for its own clients, not just for ours.
/// </summary>
public sealed class OfficialSdkTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task TheOfficialSdksWorkAgainstTheFakes()
    {
        var audio = Path.Combine(Path.GetTempPath(), $"aliyun-sdk-{Guid.NewGuid():N}.pcm");
        await File.WriteAllBytesAsync(audio, FakeSpeech.Encode("你好。价格是多少？"));
        try
        {
            var (exit, stdout, stderr) = await NodeRunner.RunAsync("aliyun-sdks.mjs",
            [
                "--token-url", _fake.Tokens.Url, "--gateway", _fake.Nls.Url, "--oss", _fake.Oss.Url,
                "--akid", _fake.Account.AccessKeyId, "--secret", _fake.Account.AccessKeySecret, "--appkey", _fake.Account.AppKeyZh,
                "--bucket", _fake.Account.Bucket, "--region", _fake.Account.OssRegion, "--audio", audio,
            ], TimeSpan.FromSeconds(60));

            Assert.True(exit == 0, $"node exited with {exit}: {stderr}{stdout}");
            var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
            Assert.Matches("^[0-9a-f]{32}$", summary.GetProperty("token").GetProperty("id").GetString());
            var transcription = summary.GetProperty("transcription");
            Assert.Equal(["你好。", "价格是多少？"], transcription.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()));
            var events = transcription.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(["started", "begin", "changed", "end", "completed"], events);
            foreach (var version in new[] { "ossV1", "ossV4" })
            {
                var oss = summary.GetProperty(version);
                Assert.Equal(200, oss.GetProperty("putStatus").GetInt32());
                Assert.True(oss.GetProperty("getEquals").GetBoolean(), version);
                Assert.Equal(200, oss.GetProperty("presignedStatus").GetInt32());
                Assert.True(oss.GetProperty("presignedEquals").GetBoolean(), version);
            }

            Assert.Contains("OSS1 header", _fake.Oss.Signatures);
            Assert.Contains("OSS1 query", _fake.Oss.Signatures);
            Assert.Contains("OSS4 header", _fake.Oss.Signatures);
            Assert.Contains("OSS4 query", _fake.Oss.Signatures);
        }
        finally
        {
            File.Delete(audio);
        }
    }
}
