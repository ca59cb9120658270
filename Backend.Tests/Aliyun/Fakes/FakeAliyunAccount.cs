using System.Collections.Concurrent;

namespace RoleplayHub.Tests.Aliyun.Fakes;

/// <summary>The account the fakes share: its key pair, project AppKeys, OSS bucket, and the tokens issued.</summary>
public sealed class FakeAliyunAccount
{
    public string AccessKeyId { get; } = "LTAI5tFakeAccessKeyId";

    public string AccessKeySecret { get; } = "fake-access-key-secret-0123456789";

    public string UserId { get; } = "1460406656678944";

    public string AppKeyZh { get; } = "fakeAppKeyZhCn01";

    public string AppKeyEn { get; } = "fakeAppKeyEnUs01";

    public string Bucket { get; } = "roleplay-media";

    public string OssRegion { get; } = "cn-hangzhou";

    public ConcurrentDictionary<string, DateTimeOffset> Tokens { get; } = new();

    public bool IsAppKey(string? appKey) => appKey == AppKeyZh || appKey == AppKeyEn;

    public (string Id, DateTimeOffset ExpiresAt) IssueToken(TimeSpan lifetime)
    {
        var id = Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow + lifetime;
        Tokens[id] = expires;
        return (id, expires);
    }

    /// <summary>null when the token is good, else the gateway's complaint (<c>… is invalid!</c> / <c>… has expired!</c>).</summary>
    public string? CheckToken(string? token)
    {
        if (string.IsNullOrEmpty(token) || !Tokens.TryGetValue(token, out var expires))
        {
            return $"Gateway:ACCESS_DENIED:The token '{token}' is invalid!";
        }

        return expires <= DateTimeOffset.UtcNow ? $"Gateway:ACCESS_DENIED:The token '{token}' has expired!" : null;
    }

    /// <summary>Every token issued so far stops working (as after its ExpireTime), though clients still cache it.</summary>
    public void ExpireAllTokens()
    {
        foreach (var id in Tokens.Keys)
        {
            Tokens[id] = DateTimeOffset.UtcNow.AddSeconds(-1);
        }
    }
}
