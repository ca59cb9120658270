using RoleplayHub.Audio;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

public sealed class FfmpegDecoderTests
{
    [Theory]
    [InlineData("webm")]
    [InlineData("ogg")]
    public async Task AStreamFedInPiecesDecodesToEverySample(string container)
    {
        var encoded = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-f", container);
        await using var decoder = new FfmpegStreamDecoder(container == "ogg" ? AudioEncoding.OggOpus : AudioEncoding.WebmOpus, new FfmpegOptions());
        using var output = new PcmBuffer();

        for (var i = 0; i < encoded.Length; i += 4_096)
        {
            await decoder.DecodeAsync(encoded.AsMemory(i, Math.Min(4_096, encoded.Length - i)), output, default);
        }

        await decoder.EndUtteranceAsync(output, default);

        var expected = TestAudio.IllDisposed.Samples().Length;
        Assert.InRange(output.Count, expected - 1_000, expected + 100);
    }
}
