using System.Buffers.Binary;
using NAudio.Wave;
using RoleplayHub.Audio;
using RoleplayHub.Providers.Aliyun;

namespace RoleplayHub.Tests.Unit;

public sealed class WavFileTests
{
    [Fact]
    public void AWholeWavFileHasTheCanonical44ByteHeader()
    {
        var wav = WavFile.Create([1, -2, 3], 24_000);

        // RIFF(36 + 6) WAVE, fmt (16: PCM, 1 channel, 24000 Hz, 48000 B/s, align 2, 16 bits), data(6)
        byte[] header =
        [
            .. "RIFF"u8, 42, 0, 0, 0, .. "WAVE"u8,
            .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0xC0, 0x5D, 0, 0, 0x80, 0xBB, 0, 0, 2, 0, 16, 0,
            .. "data"u8, 6, 0, 0, 0,
        ];
        Assert.Equal(header, wav[..WavFile.HeaderSize]);
        Assert.Equal(new byte[] { 1, 0, 0xFE, 0xFF, 3, 0 }, wav[WavFile.HeaderSize..]);
    }

    [Fact]
    public void TheHandWrittenHeaderIsTheOneNAudioWritesForTheSameSamples()
    {
        var pcm = new byte[1_234];
        var naudio = new byte[WavFile.HeaderSize + pcm.Length];
        WavFile.Write(naudio, pcm, WavFile.Pcm16(24_000));
        var header = new byte[WavFile.HeaderSize];

        WavFile.WriteHeader(header, pcm.Length, 24_000);

        Assert.Equal(naudio[..WavFile.HeaderSize], header);
    }

    [Fact]
    public void AWavWrittenIntoALargerPooledArrayDeclaresOnlyItsOwnData()
    {
        var array = new byte[4_096];
        Array.Fill(array, (byte)0xAA);

        var size = WavFile.Write(array, new byte[] { 1, 0, 2, 0 }, WavFile.Pcm16(16_000));

        Assert.Equal(48, size);
        Assert.Equal(40, BinaryPrimitives.ReadInt32LittleEndian(array.AsSpan(4)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(array.AsSpan(40)));
        Assert.Equal(0xAA, array[size]); // nothing written past the file
    }

    [Fact]
    public void AWavFileIsReadBackAsItsFormatAndSamples()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".wav");
        File.WriteAllBytes(path, WavFile.Create([5, -6, 7, -8], 8_000));
        try
        {
            var (format, samples) = WavFile.ReadPcm16(path);

            Assert.Equal(WavFile.Pcm16(8_000), format);
            Assert.Equal(new short[] { 5, -6, 7, -8 }, samples);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadingAWavThatIsNotPcm16IsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".wav");
        using (var writer = new WaveFileWriter(path, new WaveFormat(16_000, 8, 1)))
        {
            writer.Write(new byte[] { 1, 2, 3 });
        }

        try
        {
            var error = Assert.Throws<InvalidDataException>(() => WavFile.ReadPcm16(path));
            Assert.Contains("not 16-bit PCM", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TtsPartsAreJoinedIntoOneWavNAudioReadsBack()
    {
        var wav = PcmClip.Wav([new byte[] { 1, 0, 2, 0 }, new byte[] { 3, 0 }], 16_000);

        using var reader = new WaveFileReader(new MemoryStream(wav));
        Assert.Equal(WavFile.Pcm16(16_000), reader.WaveFormat);
        var data = new byte[reader.Length];
        reader.ReadExactly(data);
        Assert.Equal(new byte[] { 1, 0, 2, 0, 3, 0 }, data);
        Assert.Equal(44 + 6, wav.Length);
    }

    [Theory]
    [InlineData(8_000, 1)]
    [InlineData(16_000, 2)]
    public void ATtsReplyInAnotherFormatThanAskedIsRefused(int rate, int channels)
    {
        var reply = new byte[WavFile.HeaderSize + 8];
        WavFile.Write(reply, new byte[8], WavFile.Pcm16(rate, channels));

        var error = Assert.Throws<InvalidDataException>(() => PcmClip.Samples(reply, "wav", 16_000));
        Assert.Contains("16-bit mono PCM at 16000 Hz", error.Message);
    }

    [Fact]
    public void ATtsReplyThatIsNotAWavIsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => PcmClip.Samples("{\"error\": 1}"u8.ToArray(), "wav", 16_000));
        Assert.Contains("not a readable WAV", error.Message);
    }

    [Fact]
    public void ARawPcmReplyIsTakenAsItIsToWholeSamples()
    {
        Assert.Equal(new byte[] { 1, 0, 2, 0 }, PcmClip.Samples([1, 0, 2, 0, 9], "pcm", 16_000));
    }
}
