using RoleplayHub.Audio;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

public sealed class DecoderTests
{
    [Fact]
    public async Task StereoPcmIsDownmixedAndFramesSplitAcrossChunksSurvive()
    {
        var decoder = new Pcm16StreamDecoder(16_000, 2);
        short[] interleaved = [100, 300, -200, -400, 1000, 3000];
        var bytes = TestAudio.ToBytes(interleaved);
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(bytes.AsMemory(0, 5), output, default); // a frame and a bit
        await decoder.DecodeAsync(bytes.AsMemory(5), output, default);

        Assert.Equal([200, -300, 2000], output.Samples.ToArray());
    }

    [Fact]
    public async Task WavHeaderIsParsedAndItsDataDecodedEvenWhenTheHeaderIsSplit()
    {
        var wav = Wav(TestAudio.ToBytes([1, 2, 3, 4]), rate: 16_000, channels: 1);
        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(wav.AsMemory(0, 20), output, default);
        await decoder.DecodeAsync(wav.AsMemory(20), output, default);

        Assert.Equal(WavFile.Pcm16(16_000), decoder.Format);
        Assert.Equal([1, 2, 3, 4], output.Samples.ToArray());
    }

    [Fact]
    public async Task EachUtteranceMayBeItsOwnWavFile()
    {
        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(Wav(TestAudio.ToBytes([7, 7]), 16_000, 1), output, default);
        await decoder.EndUtteranceAsync(output, default);
        await decoder.DecodeAsync(Wav(TestAudio.ToBytes([9, 9, 9, 9]), 8_000, 1), output, default);

        Assert.Equal(WavFile.Pcm16(8_000), decoder.Format);
        Assert.Equal(2 + 8, output.Count); // 8 kHz is upsampled: 4 samples → 8
    }

    [Theory]
    [InlineData("float", "format tag 3")]
    [InlineData("8bit", "16-bit")]
    [InlineData("notwav", "Expected a WAV header")]
    [InlineData("rate", "sample rate 12345")]
    public async Task BadWavHeadersAreExplained(string kind, string expected)
    {
        var wav = Wav(TestAudio.ToBytes([1, 2]), 16_000, 1);
        switch (kind)
        {
            case "float": wav[20] = 3; break;
            case "8bit": wav[34] = 8; break;
            case "notwav": "JUNK"u8.CopyTo(wav); break;
            case "rate": BitConverter.GetBytes(12_345).CopyTo(wav, 24); break;
        }

        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();

        var error = await Assert.ThrowsAsync<AudioFormatException>(() => decoder.DecodeAsync(wav, output, default).AsTask());
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task AnUtteranceEndingInsideTheHeaderIsReportedAsTruncated()
    {
        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(Wav([], 16_000, 1).AsMemory(0, 30), output, default);

        var error = await Assert.ThrowsAsync<AudioFormatException>(() => decoder.EndUtteranceAsync(output, default).AsTask());
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public async Task AnExtensibleWavWithAPcmSubFormatIsDecoded()
    {
        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();

        await decoder.DecodeAsync(ExtensibleWav(new NAudio.Wave.WaveFormatExtensible(16_000, 16, 1), TestAudio.ToBytes([4, 5, 6])), output, default);

        Assert.Equal(WavFile.Pcm16(16_000), decoder.Format);
        Assert.Equal([4, 5, 6], output.Samples.ToArray());
    }

    [Fact]
    public async Task AnExtensibleWavWithAFloatSubFormatIsRefused()
    {
        var decoder = new WavStreamDecoder();
        using var output = new PcmBuffer();
        var wav = ExtensibleWav(new NAudio.Wave.WaveFormatExtensible(16_000, 32, 1), new byte[8]); // NAudio: 32-bit extensible is float

        var error = await Assert.ThrowsAsync<AudioFormatException>(() => decoder.DecodeAsync(wav, output, default).AsTask());
        Assert.Contains("format tag 3", error.Message);
    }

    private static byte[] ExtensibleWav(NAudio.Wave.WaveFormat format, byte[] data)
    {
        using var stream = new MemoryStream();
        using (var writer = new NAudio.Wave.WaveFileWriter(stream, format))
        {
            writer.Write(data);
        }

        return stream.ToArray();
    }

    private static byte[] Wav(byte[] data, int rate, int channels)
    {
        var file = new byte[WavFile.HeaderSize + data.Length];
        WavFile.Write(file, data, WavFile.Pcm16(rate, channels));
        return file;
    }
}
