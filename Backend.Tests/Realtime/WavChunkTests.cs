using RoleplayHub.Audio;
using RoleplayHub.Providers.Realtime.Wire;

namespace RoleplayHub.Tests.Realtime;

public sealed class WavChunkTests
{
    [Fact]
    public void TheHandWrittenHeaderIsTheOneNAudioWrites()
    {
        var pcm = RealtimeAudio.Speech(20, 16000);
        var expected = new byte[WavFile.HeaderSize + pcm.Length];
        WavFile.Write(expected, pcm, WavFile.Pcm16(16000));
        var actual = new byte[expected.Length];

        var length = WavChunk.Write(actual, pcm, 16000);

        Assert.Equal(expected.Length, length);
        Assert.Equal(expected, actual);
    }
}
