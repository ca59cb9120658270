namespace RoleplayHub.Audio;

/// <summary>Running level statistics of an utterance: is there any speech energy, and is it clipped?</summary>
public struct AudioLevels
{
    private double _sumSquares;

    public long Samples { get; private set; }

    public int Peak { get; private set; }

    public long Clipped { get; private set; }

    /// <summary>RMS in dBFS (−∞ for digital silence).</summary>
    public readonly double RmsDbfs => Samples == 0 ? double.NegativeInfinity : 20 * Math.Log10(Math.Sqrt(_sumSquares / Samples) / 32768.0);

    public readonly double PeakDbfs => Peak == 0 ? double.NegativeInfinity : 20 * Math.Log10(Peak / 32768.0);

    public readonly double ClippedRatio => Samples == 0 ? 0 : (double)Clipped / Samples;

    public void Add(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        var peak = Peak;
        long clipped = 0;
        foreach (var s in samples)
        {
            var magnitude = s == short.MinValue ? 32768 : Math.Abs((int)s);
            sum += (double)s * s;
            if (magnitude > peak)
            {
                peak = magnitude;
            }

            if (magnitude >= 32767)
            {
                clipped++;
            }
        }

        _sumSquares += sum;
        Peak = peak;
        Clipped += clipped;
        Samples += samples.Length;
    }

    public void Reset() => this = default;
}
