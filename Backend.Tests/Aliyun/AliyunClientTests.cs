using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Aliyun;
using RoleplayHub.Providers.Tts;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Aliyun.Fakes;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>The token cache and the TTS client on their own, against the fakes.</summary>
public sealed class AliyunClientTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private FakeAliyun _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeAliyun.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task OneTokenIsSharedAndRenewedBeforeItExpires()
    {
        _fake.Tokens.TokenLifetime = TimeSpan.FromMinutes(2);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // now: the fake gateway dates its tokens by the real clock
        var tokens = new NlsTokenProvider(_http, Options(), clock, NullLogger<NlsTokenProvider>.Instance);

        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tokens.GetAsync(CancellationToken.None).AsTask()));
        clock.Advance(TimeSpan.FromSeconds(50));
        var stillCached = await tokens.GetAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(15)); // past half of a 2-minute life (shorter than the 5-minute margin)
        var renewed = await tokens.GetAsync(CancellationToken.None);
        tokens.Invalidate(renewed);
        var replaced = await tokens.GetAsync(CancellationToken.None);

        Assert.Single(first.Select(t => t.Id).Distinct());
        Assert.Equal(first[0], stillCached);
        Assert.NotEqual(first[0].Id, renewed.Id);
        Assert.NotEqual(renewed.Id, replaced.Id);
        Assert.Equal(3, _fake.Tokens.Issued);
        Assert.Matches("^[0-9a-f]{32}$", replaced.Id);
    }

    [Fact]
    public async Task AnOssTimeoutIsRetriedThenReportedAsAStorageFailureNotACancellation()
    {
        var handler = new TimingOutHandler();
        using var http = new HttpClient(handler);
        var oss = new RoleplayHub.Storage.Cloud.OssObjectStorage(http, new RoleplayHub.Storage.Cloud.ObjectStoreOptions
        {
            Endpoint = new Uri("http://127.0.0.1:9/"), Bucket = "b", AccessKeyId = "id", AccessKeySecret = "secret",
        }, TimeProvider.System);
        using var store = new RoleplayHub.Storage.Cloud.CloudMediaStore("oss", oss, "", Microsoft.Extensions.Options.Options.Create(new RoleplayHub.Storage.MediaOptions()),
            TimeProvider.System, NullLogger.Instance);

        // The pipeline turns HttpRequestException into a storage-failed event; a cancellation would end the session.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            store.SaveAsync(new byte[] { 1, 2, 3 }, RoleplayHub.Storage.MediaKind.AvatarAudio, "wav", CancellationToken.None).AsTask());

        Assert.Equal(3, handler.Calls);
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuringATokenServiceOutageConcurrentCallersShareOneFailedFetch()
    {
        var handler = new TimingOutHandler();
        using var http = new HttpClient(handler);
        var tokens = new NlsTokenProvider(http, Options(), TimeProvider.System, NullLogger<NlsTokenProvider>.Instance);

        var calls = Enumerable.Range(0, 8).Select(_ => tokens.GetAsync(CancellationToken.None).AsTask()).ToList();
        var failures = await Task.WhenAll(calls.Select(c => Assert.ThrowsAsync<NlsTokenException>(() => c)));
        var later = await Assert.ThrowsAsync<NlsTokenException>(() => tokens.GetAsync(CancellationToken.None).AsTask());

        Assert.All(failures, f => Assert.True(f.Retryable));
        Assert.Equal(2, handler.Calls); // one fetch for the eight waiting callers, a new one for the caller after it failed
        Assert.True(later.Retryable);
    }

    [Fact]
    public async Task AWrongSecretIsRefusedWithThePopErrorAndNotRetried()
    {
        var options = Options(o => o.AccessKeySecret = "not-the-secret");
        var tokens = new NlsTokenProvider(_http, options, TimeProvider.System, NullLogger<NlsTokenProvider>.Instance);

        var error = await Assert.ThrowsAsync<NlsTokenException>(() => tokens.GetAsync(CancellationToken.None).AsTask());

        Assert.False(error.Retryable);
        Assert.Contains("SignatureDoesNotMatch", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongTextIsSynthesisedInPartsUnderTheLimitAndJoinedIntoOneWav()
    {
        var options = Options();
        var tokens = new NlsTokenProvider(_http, options, TimeProvider.System, NullLogger<NlsTokenProvider>.Instance);
        var speech = new AliyunAvatarSpeech(tokens, _http, options, TimeProvider.System, NullLogger<AliyunAvatarSpeech>.Instance);
        var sentence = "我们的产品可以帮助工厂减少停机时间，提高生产效率。";
        var text = string.Concat(Enumerable.Repeat(sentence, 20)); // 500 characters

        using var clip = await speech.SynthesizeAsync(new SpeechRequest(text, "zh-CN", new PersonaVoice { ByProvider = new Dictionary<string, string> { [ProviderNames.Aliyun] = "aixia" } }), CancellationToken.None);

        var calls = _fake.Nls.TtsCalls.ToList();
        Assert.True(calls.Count >= 2);
        Assert.All(calls, c => Assert.True(c.Text.Length <= 300 && !c.Truncated && c.Text.EndsWith('。')));
        Assert.Equal(text, string.Concat(calls.Select(c => c.Text)));
        var wav = clip.Audio.Span;
        var expectedBytes = calls.Sum(c => FakeNlsGateway.Render(c.Text, 16000).Length);
        Assert.Equal(expectedBytes, BinaryPrimitives.ReadInt32LittleEndian(wav[40..]));
        Assert.Equal(44 + expectedBytes, wav.Length);
        Assert.Equal(expectedBytes / 32.0, clip.Duration.TotalMilliseconds, 1);
        Assert.True(clip.Visemes!.Count > 20);
        Assert.Equal("sil", clip.Visemes[^1].V);
    }

    [Theory]
    [InlineData("你好。今天天气很好！", 300, new[] { "你好。今天天气很好！" })]
    [InlineData("第一句。第二句。第三句。", 8, new[] { "第一句。第二句。", "第三句。" })]
    [InlineData("一二三四五，六七八九十，甲乙丙", 7, new[] { "一二三四五，", "六七八九十，", "甲乙丙" })]
    [InlineData("Hello there. How are you?", 15, new[] { "Hello there.", "How are you?" })]
    [InlineData("abcdefghij", 4, new[] { "abcd", "efgh", "ij" })]
    [InlineData("Hi. Yes, Mr. Li.", 300, new[] { "Hi. Yes, Mr. Li." })] // the text between sentences is kept as it was
    [InlineData("等一下……好吧；就这样。", 6, new[] { "等一下……", "好吧；", "就这样。" })] // "…" ends a sentence
    [InlineData("他说：“好。”然后走了。", 8, new[] { "他说：“好。”", "然后走了。" })] // the closing quote stays with its sentence
    public void TextIsSplitAtSentencesThenClausesUnderTheLimit(string text, int max, string[] expected) =>
        Assert.Equal(expected, TtsTextSplitter.Split(text, max));

    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0u)]
    public void AStreamedWavWithAPlaceholderSizeIsReadToItsEnd(uint placeholder)
    {
        var pcm = FakeNlsGateway.Render("你好", 16000);
        var wav = RoleplayHub.Audio.WavFile.Create(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm), 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), placeholder); // RIFF size
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), placeholder); // data size

        Assert.Equal(pcm, PcmClip.Samples(wav, "wav", 16000));
    }

    private IOptions<AliyunOptions> Options(Action<AliyunOptions>? change = null)
    {
        var options = new AliyunOptions
        {
            AccessKeyId = _fake.Account.AccessKeyId,
            AccessKeySecret = _fake.Account.AccessKeySecret,
            TokenEndpoint = new Uri(_fake.Tokens.Url + "/"),
            GatewayEndpoint = new Uri(_fake.Nls.Url + "/"),
            AppKeys = { ["zh-CN"] = _fake.Account.AppKeyZh },
        };
        change?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    /// <summary>What HttpClient's own timeout looks like to the caller.</summary>
    private sealed class TimingOutHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(50, CancellationToken.None); // the time out takes a while: callers arrive meanwhile
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 60 seconds elapsing.", new TimeoutException());
        }
    }
}
