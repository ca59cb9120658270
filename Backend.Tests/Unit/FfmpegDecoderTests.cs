using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

public sealed class FfmpegDecoderTests
{
    private static readonly int Expected = TestAudio.IllDisposed.Samples().Length;

    [Theory]
    [InlineData("webm")]
    [InlineData("ogg")]
    public async Task AStreamFedInPiecesDecodesToEverySample(string container)
    {
        var encoded = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-f", container);
        await using var decoder = Decoder(container);
        using var output = new PcmBuffer();

        for (var i = 0; i < encoded.Length; i += 4_096)
        {
            await decoder.DecodeAsync(encoded.AsMemory(i, Math.Min(4_096, encoded.Length - i)), output, default);
        }

        await decoder.EndUtteranceAsync(output, default);

        Assert.InRange(output.Count, Expected - 160, Expected + 160); // every sample, to 10 ms
    }

    [Fact]
    public async Task ARecorderThatKeepsRunningAcrossUtterancesIsDecodedFromTheBlockAfterTheCommit()
    {
        // MediaRecorder-like WebM: clusters every 500 ms; the commit falls between two blocks inside a cluster.
        var encoded = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-cluster_time_limit", "500", "-f", "webm");
        var split = BlockStarts(encoded).Where(b => b.InsideCluster).Select(b => b.Offset).MinBy(o => Math.Abs(o - (encoded.Length / 2)));
        await using var decoder = Decoder("webm");
        using var first = new PcmBuffer();
        using var second = new PcmBuffer();

        await decoder.DecodeAsync(encoded.AsMemory(0, split), first, default);
        await decoder.EndUtteranceAsync(first, default);
        await decoder.DecodeAsync(encoded.AsMemory(split), second, default);
        await decoder.EndUtteranceAsync(second, default);

        Assert.InRange(first.Count + second.Count, Expected - 480, Expected + 480); // at most a frame lost at the seam
        Assert.True(second.Count > Expected / 3, $"the continuation decoded only {second.Count} samples");
    }

    [Fact]
    public async Task ANewRecorderPerUtteranceStartsAFreshStream()
    {
        var encoded = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-f", "webm");
        await using var decoder = Decoder("webm");
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(encoded, output, default);
        await decoder.EndUtteranceAsync(output, default);
        await decoder.DecodeAsync(encoded, output, default);
        await decoder.EndUtteranceAsync(output, default);

        Assert.InRange(output.Count, (2 * Expected) - 320, (2 * Expected) + 320);
    }

    [Fact]
    public async Task AContinuationIsDecodedUnderTheHeaderOfItsOwnRecorderNotAnEarlierOne()
    {
        // Utterance 1 from one recorder; utterances 2 and 3 from a second recorder (another Ogg stream serial) that
        // keeps running across the commit between them.
        var firstRecorder = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-serial_offset", "7", "-f", "ogg");
        var secondRecorder = FfmpegTool.Convert(TestAudio.IllDisposed.Path, "-c:a", "libopus", "-b:a", "32k", "-f", "ogg");
        var split = secondRecorder.AsSpan(secondRecorder.Length / 2).IndexOf("OggS"u8) + (secondRecorder.Length / 2); // a page boundary
        await using var decoder = Decoder("ogg");
        using var first = new PcmBuffer();
        using var second = new PcmBuffer();
        using var third = new PcmBuffer();

        await decoder.DecodeAsync(firstRecorder, first, default);
        await decoder.EndUtteranceAsync(first, default);
        await decoder.DecodeAsync(secondRecorder.AsMemory(0, split), second, default);
        await decoder.EndUtteranceAsync(second, default);
        await decoder.DecodeAsync(secondRecorder.AsMemory(split), third, default);
        await decoder.EndUtteranceAsync(third, default);

        Assert.InRange(first.Count, Expected - 160, Expected + 160);
        Assert.InRange(second.Count + third.Count, Expected - 960, Expected + 960); // a page or two lost at the seam at most
        Assert.True(third.Count > Expected / 4, $"the continuation decoded only {third.Count} samples"); // split at half the bytes
    }

    [Fact]
    public async Task DataThatIsNotTheDeclaredContainerIsReported()
    {
        await using var decoder = Decoder("webm");
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(TestAudio.IllDisposed.Pcm16(), output, default);
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => decoder.EndUtteranceAsync(output, default).AsTask());

        Assert.Contains("webm-opus", error.Message);
    }

    private static FfmpegStreamDecoder Decoder(string container) =>
        new(container == "ogg" ? AudioEncoding.OggOpus : AudioEncoding.WebmOpus, new FfmpegOptions());

    /// <summary>Offsets of the SimpleBlocks (and Clusters) of a WebM file, walking its EBML structure.</summary>
    private static List<(int Offset, bool InsideCluster)> BlockStarts(byte[] webm)
    {
        const uint Segment = 0x18538067, Cluster = 0x1F43B675, SimpleBlock = 0xA3;
        var starts = new List<(int, bool)>();
        var position = 0;
        while (position < webm.Length)
        {
            var start = position;
            if (!Ebml.TryReadId(webm, ref position, out var id) || !Ebml.TryReadSize(webm, ref position, out var size))
            {
                break;
            }

            var unknown = size == (1UL << (7 * (position - start - 4 + 1))) - 1 || size > (ulong)webm.Length;
            if (id is Segment)
            {
                continue; // descend
            }

            if (id is Cluster)
            {
                starts.Add((start, false));
                var end = unknown ? webm.Length : position + (int)size;
                while (position < end)
                {
                    var child = position;
                    if (!Ebml.TryReadId(webm, ref position, out var childId) || !Ebml.TryReadSize(webm, ref position, out var childSize))
                    {
                        break;
                    }

                    if (childId == SimpleBlock)
                    {
                        starts.Add((child, true));
                    }

                    position += (int)childSize;
                }

                continue;
            }

            position += (int)size;
        }

        return starts;
    }
}
