using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;

namespace RoleplayHub.Tests.Sessions;

/// <summary>A WAV stream declared without a rate and channels is sized for the file its header describes: the size
/// flush holds 1.024 s of that audio, and the acknowledgement of the chunk that completed the header says so.</summary>
public sealed class WavInputSizingTests
{
    private static readonly AudioFormat HeaderDecides = Parse("wav", null, null);
    private readonly RoleplaySessionOptions _options = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A48KHzStereoWavFlushesAfterOneSecondOfItsOwnAudio()
    {
        using var stream = Stream(HeaderDecides);
        var file = Wav(new byte[48_000 * 4 * 3], 48_000, 2); // 3 s

        var before = stream.FlushBytes;
        var first = stream.Accept(null, file.AsSpan(0, 4_000));
        for (var at = 4_000; at < file.Length; at += 16_000)
        {
            stream.Accept(null, file.AsSpan(at, Math.Min(16_000, file.Length - at)));
        }

        var sizeFlushes = Drain(stream).Count(i => i.Kind == FlushKind.Size);
        Assert.Equal(32_768, before); // 16 kHz mono until the header is read
        Assert.Equal(196_608, stream.FlushBytes);
        Assert.Equal((48_000, 2, 196_608), (first.AudioChanged?.SampleRate, first.AudioChanged?.Channels, first.AudioChanged?.FlushBytes));
        Assert.Equal(2, sizeFlushes); // 3 s of audio: two whole seconds flushed by size, not eleven
        Assert.Equal((48_000, 2), (stream.Settings.SampleRate, stream.Settings.Channels));
    }

    [Fact]
    public void AHeaderSplitAcrossChunksIsReadWhenItsFormatChunkArrives()
    {
        using var stream = Stream(HeaderDecides);
        var file = Wav(new byte[8_000], 8_000, 1);

        var partial = stream.Accept(null, file.AsSpan(0, 20)); // RIFF, WAVE and half of "fmt "
        var rest = stream.Accept(null, file.AsSpan(20, 100));
        var later = stream.Accept(null, file.AsSpan(120, 400));

        Assert.Null(partial.AudioChanged);
        Assert.Equal(8_000, rest.AudioChanged?.SampleRate);
        Assert.Null(later.AudioChanged); // said once
        Assert.Equal(16_384, stream.FlushBytes);
    }

    [Fact]
    public void AWavWhoseHeaderMatchesTheDefaultOrWhoseFormatWasDeclaredChangesNothing()
    {
        using var sixteen = Stream(HeaderDecides);
        using var declared = Stream(Parse("wav", 48_000, 2));

        var same = sixteen.Accept(null, Wav(new byte[3_200], 16_000, 1));
        var declaredAck = declared.Accept(null, Wav(new byte[3_200], 48_000, 2));

        Assert.Null(same.AudioChanged);
        Assert.Null(declaredAck.AudioChanged);
        Assert.Equal(196_608, declared.FlushBytes);
    }

    [Fact]
    public void BytesThatAreNoWavHeaderLeaveTheSizingAloneForTheDecoderToRefuse()
    {
        using var stream = Stream(HeaderDecides);

        var outcome = stream.Accept(null, "NOT A WAV FILE AT ALL"u8);

        Assert.Null(outcome.Error); // the decoder reports the bad header as invalid-audio when it reads it
        Assert.Null(outcome.AudioChanged);
        Assert.Equal(32_768, stream.FlushBytes);
    }

    private InputAudioStream Stream(AudioFormat format) => new(format, idleFlush: false, serverVad: false, _options, new AudioBlockPool(), _clock);

    private static List<PipelineItem> Drain(InputAudioStream stream)
    {
        var items = new List<PipelineItem>();
        while (stream.Queue.TryRead(out var item))
        {
            items.Add(item);
            stream.Processed(item);
        }

        return items;
    }

    private static AudioFormat Parse(string encoding, int? rate, int? channels)
    {
        Assert.True(AudioFormat.TryParse(encoding, rate, channels, out var format, out var error), error);
        return format;
    }

    private static byte[] Wav(byte[] data, int rate, int channels)
    {
        var file = new byte[WavFile.HeaderSize + data.Length];
        WavFile.Write(file, data, WavFile.Pcm16(rate, channels));
        return file;
    }
}
