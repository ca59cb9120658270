using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RoleplayHub.Tests.Aliyun.Fakes;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>Export and erasure with the media in a bucket (OSS's own API, and the S3-compatible one), against the
/// fake OSS/S3 endpoint that checks every signature.</summary>
public sealed class CloudMediaLifecycleTests : IAsyncLifetime
{
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Theory]
    [InlineData("oss")]
    [InlineData("s3")]
    public async Task AnExportReadsTheAudioBackFromTheBucketAndAnErasureDeletesItThere(string store)
    {
        using var factory = AliyunHubKit.Factory(_fake, media: store);
        using var admin = factory.CreateClient("root", "admin");
        await using var client = await factory.ConnectAsync("wang");
        var sessionId = await client.StartZhAsync();
        await client.SayAsync(sessionId, AliyunHubKit.Question);
        await client.WaitForEventAsync("avatar-response", e => e.Int("turn") == 1 && e.Bool("isLast"));
        await client.InvokeAsync("end-session", new { sessionId });
        var id = (await admin.SessionAsync(sessionId, s => s.Str("status") == "ended" && s.Int("recordedTurns") == 2)).Str("id")!;
        var stored = _fake.Oss.Objects.ToDictionary(o => o.Key, o => o.Value.Content);

        using var zipped = await admin.GetAsync($"/api/admin/history/sessions/{id}/export?format=zip");
        using var zip = new ZipArchive(await zipped.Content.ReadAsStreamAsync());
        var audio = zip.Entries.Where(e => e.FullName.StartsWith("media/", StringComparison.Ordinal)).ToList();
        using var erased = await admin.DeleteAsync("/api/admin/history/users/wang/sessions");
        var result = await erased.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(stored.Count, audio.Count); // the opening line, the recording and the reply, all in the bucket
        foreach (var entry in audio)
        {
            using var bytes = new MemoryStream();
            await entry.Open().CopyToAsync(bytes);
            Assert.Equal(stored["roleplayhub/" + entry.FullName["media/".Length..]], bytes.ToArray());
        }

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(stored.Count, result.Int("mediaDeleted"));
        Assert.Equal(0, result.Int("mediaFailed"));
        Assert.Empty(_fake.Oss.Objects); // only this session used them
    }
}
