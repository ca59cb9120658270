using RoleplayHub.Audio;

namespace RoleplayHub.Tests.Unit;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(48_000)]
    [InlineData(44_100)]
    [InlineData(24_000)]
    [InlineData(8_000)]
    public void ASpeechBandToneKeepsItsFrequencyAndLevel(int inputRate)
    {
        var output = Resample(Tone(1_000, inputRate, seconds: 1), inputRate, chunk: inputRate / 4);

        Assert.InRange(output.Length, 15_990, 16_010);
        var (gainDb, frequency) = Measure(output.AsSpan(2_000, 12_000), 1_000);
        Assert.InRange(gainDb, -0.5, 0.5);
        Assert.Equal(1_000, frequency, tolerance: 5);
    }

    [Theory]
    [InlineData(48_000, 10_000)]
    [InlineData(44_100, 12_000)]
    [InlineData(24_000, 9_500)]
    public void ToneAboveTheNewNyquistIsFilteredOutInsteadOfAliasing(int inputRate, int toneHz)
    {
        var output = Resample(Tone(toneHz, inputRate, seconds: 1), inputRate, chunk: inputRate / 4);

        var rms = Rms(output.AsSpan(2_000, 12_000));
        Assert.True(20 * Math.Log10(rms / (0.5 * 32768 / Math.Sqrt(2))) < -50, $"residual {20 * Math.Log10(rms / 11585):0.0} dB");
    }

    [Fact]
    public void ChunkBoundariesLeaveNoSeam()
    {
        var input = Tone(440, 48_000, seconds: 1);

        var whole = Resample(input, 48_000, chunk: input.Length);
        var chunked = Resample(input, 48_000, chunk: 1_337);

        Assert.Equal(whole.Length, chunked.Length);
        Assert.True(whole.Zip(chunked).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    private static short[] Resample(float[] input, int rate, int chunk)
    {
        var resampler = new PolyphaseResampler(rate, 16_000);
        using var output = new PcmBuffer();
        for (var i = 0; i < input.Length; i += chunk)
        {
            resampler.Process(input.AsSpan(i, Math.Min(chunk, input.Length - i)), output);
        }

        return output.Samples.ToArray();
    }

    private static float[] Tone(double hz, int rate, double seconds) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Level relative to a 0.5 amplitude sine, and frequency from zero crossings.</summary>
    private static (double GainDb, double Frequency) Measure(ReadOnlySpan<short> samples, double expectedHz)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                crossings++;
            }
        }

        var gain = 20 * Math.Log10(Rms(samples) / (0.5 * 32768 / Math.Sqrt(2)));
        return (gain, crossings * 16_000.0 / samples.Length);
    }
}
