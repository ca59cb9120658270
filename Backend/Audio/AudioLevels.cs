using System.Numerics;

namespace RoleplayHub.Audio;

/// <summary>Running level statistics of an utterance: is there any speech energy, and is it clipped?</summary>
public struct AudioLevels
{
    private static readonly Vector<short> ClipHigh = new(32_767);
    private static readonly Vector<short> ClipLow = new(-32_767);

    private double _sumSquares;

    public long Samples { get; private set; }

    public int Peak { get; private set; }

    public long Clipped { get; private set; }

    /// <summary>RMS in dBFS (−∞ for digital silence).</summary>
    public readonly double RmsDbfs => Samples == 0 ? double.NegativeInfinity : 20 * Math.Log10(Math.Sqrt(_sumSquares / Samples) / 32768.0);

    public readonly double PeakDbfs => Peak == 0 ? double.NegativeInfinity : 20 * Math.Log10(Peak / 32768.0);

    public readonly double ClippedRatio => Samples == 0 ? 0 : (double)Clipped / Samples;

    /// <summary>Adds a block of samples. Vectorised: it runs over every sample of every chunk of every session.</summary>
    public void Add(ReadOnlySpan<short> samples)
    {
        ulong sum = 0;
        int highest = 0, lowest = 0;
        long clipped = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // A lane's clip count is a short: it is added up and restarted before it could overflow.
            const int blockVectors = short.MaxValue;
            while (samples.Length - i >= Vector<short>.Count)
            {
                var max = Vector<short>.Zero;
                var min = Vector<short>.Zero;
                var clips = Vector<short>.Zero;
                var squares = Vector<ulong>.Zero;
                for (var n = 0; n < blockVectors && samples.Length - i >= Vector<short>.Count; n++, i += Vector<short>.Count)
                {
                    var v = new Vector<short>(samples[i..]);
                    max = Vector.Max(max, v);
                    min = Vector.Min(min, v);
                    clips -= Vector.GreaterThanOrEqual(v, ClipHigh) | Vector.LessThanOrEqual(v, ClipLow); // true is −1
                    Vector.Widen(v, out var low, out var high);
                    // Each square is at most 2^30, two of them fit an unsigned int.
                    var pair = Vector.AsVectorUInt32(low * low) + Vector.AsVectorUInt32(high * high);
                    Vector.Widen(pair, out var a, out var b);
                    squares += a + b;
                }

                for (var lane = 0; lane < Vector<short>.Count; lane++)
                {
                    highest = Math.Max(highest, max[lane]);
                    lowest = Math.Min(lowest, min[lane]);
                    clipped += (ushort)clips[lane];
                }

                sum += Vector.Sum(squares);
            }
        }

        foreach (var s in samples[i..])
        {
            highest = Math.Max(highest, s);
            lowest = Math.Min(lowest, s);
            sum += (ulong)(s * s);
            if (s is >= 32_767 or <= -32_767)
            {
                clipped++;
            }
        }

        _sumSquares += sum;
        Peak = Math.Max(Peak, Math.Max(highest, -lowest));
        Clipped += clipped;
        Samples += samples.Length;
    }

    public void Reset() => this = default;
}
