using RoleplayHub.Audio;

namespace RoleplayHub.Tests.Unit;

/// <summary>An utterance's level statistics, vectorised, say what a sample-by-sample count says.</summary>
public sealed class AudioLevelsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(4_000)]
    [InlineData(16_000 * 70)] // longer than one block of per-lane clip counts
    public void PeakClippingAndRmsMatchACountSampleBySample(int length)
    {
        var random = new Random(length);
        var samples = new short[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        var levels = new AudioLevels();
        levels.Add(samples.AsSpan(0, length / 3));
        levels.Add(samples.AsSpan(length / 3));

        var clipped = samples.Count(s => s is >= 32_767 or <= -32_767);
        var peak = samples.Length == 0 ? 0 : samples.Max(s => Math.Abs((int)s));
        var rms = samples.Length == 0 ? double.NegativeInfinity : 20 * Math.Log10(Math.Sqrt(samples.Sum(s => (double)s * s) / samples.Length) / 32768.0);
        Assert.Equal(length, levels.Samples);
        Assert.Equal(peak, levels.Peak);
        Assert.Equal(clipped, levels.Clipped);
        Assert.Equal(rms, levels.RmsDbfs, 9);
    }

    [Fact]
    public void TheMostNegativeSampleIsAFullScalePeakAndClipped()
    {
        var samples = new short[100];
        samples[42] = short.MinValue;
        samples[99] = -32_767;

        var levels = new AudioLevels();
        levels.Add(samples);

        Assert.Equal(32_768, levels.Peak);
        Assert.Equal(0, levels.PeakDbfs);
        Assert.Equal(2, levels.Clipped);
    }
}
