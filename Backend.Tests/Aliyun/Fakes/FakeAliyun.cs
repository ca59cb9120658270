namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>
/// The three fake Alibaba Cloud services a test needs — token service, NLS gateway, OSS — each on its own loopback
/// port, sharing one account, plus the service configuration that points RoleplayHub at them.
/// </summary>
public sealed class FakeAliyun : IAsyncDisposable
{
    private FakeAliyun()
    {
        Tokens = new FakeTokenService(Account);
        Nls = new FakeNlsGateway(Account);
        Oss = new FakeOss(Account);
    }

    public FakeAliyunAccount Account { get; } = new();

    public FakeTokenService Tokens { get; }

    public FakeNlsGateway Nls { get; }

    public FakeOss Oss { get; }

    public static async Task<FakeAliyun> StartAsync()
    {
        var fake = new FakeAliyun();
        await fake.Tokens.StartAsync();
        await fake.Nls.StartAsync();
        await fake.Oss.StartAsync();
        return fake;
    }

    /// <summary>Aliyun for zh-CN speech in both directions and OSS for media, against these fakes. Frames are
    /// paced at 50× real time so tests stay fast.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(string media = "oss")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stt:ByLanguage:zh-CN"] = "aliyun",
            ["Tts:ByLanguage:zh-CN"] = "aliyun",
            ["Aliyun:AccessKeyId"] = Account.AccessKeyId,
            ["Aliyun:AccessKeySecret"] = Account.AccessKeySecret,
            ["Aliyun:TokenEndpoint"] = Tokens.Url + "/",
            ["Aliyun:GatewayEndpoint"] = Nls.Url + "/",
            ["Aliyun:AppKeys:zh-CN"] = Account.AppKeyZh,
            ["Aliyun:AppKeys:en-US"] = Account.AppKeyEn,
            ["Aliyun:Stt:SendSpeed"] = "50",
            ["Aliyun:Stt:StepTimeout"] = "00:00:05",
            ["Media:Provider"] = media,
        };
        var section = media == "s3" ? "Media:S3" : "Media:Oss";
        if (media is "oss" or "s3")
        {
            settings[$"{section}:Endpoint"] = Oss.Url;
            settings[$"{section}:Region"] = Account.OssRegion;
            settings[$"{section}:Bucket"] = Account.Bucket;
            settings[$"{section}:PathStyle"] = "true";
            settings[$"{section}:AccessKeyId"] = Account.AccessKeyId;
            settings[$"{section}:AccessKeySecret"] = Account.AccessKeySecret;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await Tokens.DisposeAsync();
        await Nls.DisposeAsync();
        await Oss.DisposeAsync();
    }
}
