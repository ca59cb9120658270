using RoleplayHub.Core;
using RoleplayHub.Providers.Aliyun;
using RoleplayHub.Storage.Cloud;

namespace RoleplayHub.Tests.Aliyun;

/// <summary>The signature test vectors of ../shared/docs/aliyun-protocols.md (§1.3, §5.3–5.5), verbatim.</summary>
public sealed class SignatureVectorTests
{
    [Fact]
    public void PopCreateTokenSignatureMatchesTheDocumentedVector()
    {
        var parameters = new Dictionary<string, string>
        {
            ["AccessKeyId"] = "my_access_key_id",
            ["Action"] = "CreateToken",
            ["Format"] = "JSON",
            ["RegionId"] = "cn-shanghai",
            ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureNonce"] = "b924c8c3-6d03-4c5d-ad36-d984d3116788",
            ["SignatureVersion"] = "1.0",
            ["Timestamp"] = "2019-04-18T08:32:31Z",
            ["Version"] = "2019-02-28",
        };

        var canonical = PopSigner.CanonicalQuery(parameters);
        var signature = PopSigner.Sign("GET", parameters, "my_access_key_secret");

        Assert.Equal("AccessKeyId=my_access_key_id&Action=CreateToken&Format=JSON&RegionId=cn-shanghai&SignatureMethod=HMAC-SHA1&SignatureNonce=b924c8c3-6d03-4c5d-ad36-d984d3116788&SignatureVersion=1.0&Timestamp=2019-04-18T08%3A32%3A31Z&Version=2019-02-28", canonical);
        Assert.Equal("hHq4yNsPitlfDJ2L0nQPdugdEzM=", signature);
        Assert.Equal("hHq4yNsPitlfDJ2L0nQPdugdEzM%3D", Rfc3986.PercentEncode(signature));
    }

    [Theory]
    [InlineData("a b*c~d", "a%20b%2Ac~d")]
    [InlineData("北京", "%E5%8C%97%E4%BA%AC")]
    [InlineData("!'()", "%21%27%28%29")]
    public void PercentEncodingFollowsRfc3986WithUppercaseHex(string value, string expected) =>
        Assert.Equal(expected, Rfc3986.PercentEncode(value));

    [Fact]
    public void OssV1HeaderSignatureMatchesTheDocVector()
    {
        var stringToSign = OssSigner.V1StringToSign("PUT", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=", "text/html", "Thu, 17 Nov 2005 18:49:58 GMT",
            [new("X-OSS-Magic", "abracadabra"), new("X-OSS-Meta-Author", "foo@bar.com")], "/oss-example/nelson");

        Assert.Equal("26NBxoKdsyly4EDv6inkoDft/yA=", OssSigner.V1Signature("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", stringToSign));
    }

    [Fact]
    public void OssV1HeaderSignatureMatchesTheAliOssVector()
    {
        var stringToSign = OssSigner.V1StringToSign("PUT", null, "text/plain", "Wed, 01 Jan 2025 00:00:00 GMT",
            [new("x-oss-date", "Wed, 01 Jan 2025 00:00:00 GMT"), new("x-oss-meta-a", "1")], "/examplebucket/dir/a b.txt");

        Assert.Equal("PUT\n\ntext/plain\nWed, 01 Jan 2025 00:00:00 GMT\nx-oss-date:Wed, 01 Jan 2025 00:00:00 GMT\nx-oss-meta-a:1\n/examplebucket/dir/a b.txt", stringToSign);
        Assert.Equal("qKVHC7QDZHRir1mRJmTyrxAwFLY=", OssSigner.V1Signature("SECRET", stringToSign));
    }

    [Fact]
    public void OssV1PresignedSignatureMatchesTheVector()
    {
        var stringToSign = OssSigner.V1StringToSign("GET", "", "", "1735689600", [], "/examplebucket/dir/a b.txt");

        Assert.Equal("GET\n\n\n1735689600\n/examplebucket/dir/a b.txt", stringToSign);
        Assert.Equal("LK9gNvUqUXgkQTwf7BS+aaSoDF0=", OssSigner.V1Signature("SECRET", stringToSign));
    }

    [Fact]
    public void OssV4HeaderSignatureMatchesTheVector()
    {
        var time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        KeyValuePair<string, string>[] headers =
        [
            new("content-type", "text/plain"), new("x-oss-date", "20250101T000000Z"), new("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
        ];

        var canonical = OssSigner.V4CanonicalRequest("PUT", "examplebucket", "dir/a b.txt", [], headers, [], OssSigner.UnsignedPayload);
        var authorization = OssSigner.V4Authorization("AKID", "SECRET", "cn-hangzhou", time, "PUT", "examplebucket", "dir/a b.txt", headers);

        Assert.Equal("PUT\n/examplebucket/dir/a%20b.txt\n\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20250101T000000Z\n\n\nUNSIGNED-PAYLOAD", canonical);
        Assert.Equal("OSS4-HMAC-SHA256 Credential=AKID/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=04473aa860099b69f8ba29d8a552ebdf9371d1011245ebc85ff15077f7a886b5", authorization);
    }

    [Fact]
    public void OssV4PresignedUrlMatchesTheVector()
    {
        var time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var query = OssSigner.V4PresignedQuery("AKID", "SECRET", "cn-hangzhou", time, TimeSpan.FromHours(1), "GET", "examplebucket", "dir/a b.txt");

        Assert.StartsWith("x-oss-credential=AKID%2F20250101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20250101T000000Z&x-oss-expires=3600&x-oss-signature-version=OSS4-HMAC-SHA256&", query);
        Assert.EndsWith("&x-oss-signature=ae868b3dc774c0f6f0c96a47ec161f93a0c9b004acc7342680cfc7f4b9845de9", query);
    }
}
