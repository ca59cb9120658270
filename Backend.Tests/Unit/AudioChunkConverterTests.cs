using System.Text;
using System.Text.Json;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;

namespace RoleplayHub.Tests.Unit;

public sealed class AudioChunkConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new AudioChunkRequestConverter(65_536) } };

    [Fact]
    public void DecodesBase64StraightIntoAPooledBuffer()
    {
        var request = Read("""{"sessionId":"s1","audioData":"AQIDBA==","offset":8000,"totalChunks":12}""");

        Assert.Null(request.BindingError);
        Assert.Equal("s1", request.SessionId);
        Assert.Equal(8_000, request.Offset);
        Assert.Equal(12, request.TotalChunks);
        Assert.Equal([1, 2, 3, 4], request.Audio.ToArray());
        request.Release();
        Assert.Equal(0, request.AudioLength);
    }

    [Fact]
    public void AcceptsEscapedSlashesAndOtherCasings()
    {
        var base64 = Convert.ToBase64String([0xFF, 0xEF, 0xFE]); // "/+/+"
        var request = Read($$"""{"SessionId":"s1","AudioData":"{{base64.Replace("/", "\\/", StringComparison.Ordinal)}}"}""");

        Assert.Null(request.BindingError);
        Assert.Equal([0xFF, 0xEF, 0xFE], request.Audio.ToArray());
        Assert.Null(request.Offset);
    }

    [Theory]
    [InlineData("""{"sessionId":"s1","audioData":"not base64!!"}""", "not valid base64")]
    [InlineData("""{"sessionId":"s1","audioData":42}""", "must be a base64 string")]
    [InlineData("""{"sessionId":"s1"}""", "audioData is required")]
    [InlineData("""{"sessionId":"s1","audioData":"AAAA","offset":-5}""", "offset")]
    [InlineData("""{"sessionId":7,"audioData":"AAAA"}""", "sessionId")]
    [InlineData("""["an","array"]""", "expects an object")]
    public void BadPayloadsAreRecordedNotThrown(string json, string expected)
    {
        var request = Read(json);

        Assert.Contains(expected, request.BindingError);
    }

    [Fact]
    public void OversizeAudioIsFlaggedWithoutBeingDecoded()
    {
        var big = Convert.ToBase64String(new byte[200_000]);

        var request = Read($$"""{"sessionId":"s1","audioData":"{{big}}","offset":0}""");

        Assert.True(request.TooLarge);
        Assert.Equal(0, request.AudioLength);
        Assert.Equal(0, request.Offset);
    }

    private static AudioChunkRequest Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        return JsonSerializer.Deserialize<AudioChunkRequest>(ref reader, Options)!;
    }
}
