using System.Numerics;
using System.Runtime.InteropServices;

namespace RoleplayHub.Audio.Vad;

/// <summary>
/// Speech by loudness: a window is speech when its RMS level stands well above the stream's background, the noise floor,
/// which the detector learns from the stream itself — falling at once to quieter windows, rising slowly to louder ones —
/// so a steady fan or hiss is background after a moment and a voice over it is not. No model and a few hundred
/// arithmetic operations per window: the cheap detector.
/// <para>Invariant: the floor is never below <see cref="MinFloorDb"/>, and a window is scored against the floor the
/// windows before it left (a sudden loud window is judged before it can raise the floor).</para>
/// </summary>
public sealed class EnergyVoiceDetector : IVoiceDetector
{
    /// <summary>Level reported for digital silence (PCM16's own rounding noise is about −101 dBFS).</summary>
    private const float SilenceDb = -100f;

    /// <summary>The lowest floor. Streams that are digitally silent between words (a muted track, a browser's noise
    /// suppression) would otherwise put the floor at −100 dBFS and make every breath and click speech; with this,
    /// speech must reach about −55 dBFS, far below a voice at a microphone (−35 to −15) and about a quiet room's level.</summary>
    public const float MinFloorDb = -65f;

    /// <summary>The highest first guess: the floor starts at the first window's level, capped here. A stream that opens
    /// on steady noise — even a loud fan's −35 dBFS — starts at its level and never calls it speech; one that opens
    /// mid-word on a loud voice finds that word above the floor, and a softer first word is caught once the first pause
    /// has brought the floor down.</summary>
    private const float MaxInitialFloorDb = -30f;

    /// <summary>How far above the floor a window is even odds of speech (probability 0.5). Ten decibels is well above
    /// the window-to-window wobble of steady noise (about a decibel) and well below a voice over its room (20–40).</summary>
    public const float MarginDb = 10f;

    /// <summary>Decibels per unit of the logistic: 4 dB from the margin is 0.12 or 0.88, so the probability says how
    /// clear the decision is and the turn detector's hysteresis means about a decibel and a half.</summary>
    private const float SlopeDb = 2f;

    /// <summary>Share of the distance to a quieter window the floor moves per window (32 ms): after speech or a bang it
    /// is back at the background within a few windows, so the next soft word is measured against the room.</summary>
    private const float FallRate = 0.5f;

    /// <summary>Share of the distance to a louder window within the margin the floor moves per window (about 0.6 s
    /// time constant): a background that grows (a fan starting) is learnt within a second or two.</summary>
    private const float NoiseRiseRate = 0.05f;

    /// <summary>Decibels per window the floor rises under a window louder than the margin (1.6 dB a second): speech
    /// hardly moves it — the pauses between words bring it back down — yet noise that arrives louder than the margin
    /// is learnt in seconds instead of being speech forever.</summary>
    private const float SpeechRiseDb = 0.05f;

    private const float FullScaleSquared = 32768f * 32768f;

    private float _floor = float.NaN;

    /// <summary>The current noise floor (dBFS); NaN before the first window.</summary>
    public float FloorDb => _floor;

    public float SpeechProbability(ReadOnlySpan<short> window)
    {
        var level = LevelDb(window);
        if (float.IsNaN(_floor))
        {
            _floor = Math.Clamp(level, MinFloorDb, MaxInitialFloorDb);
        }

        var above = level - _floor;
        var probability = 1f / (1f + MathF.Exp(-(above - MarginDb) / SlopeDb));
        _floor = above switch
        {
            < 0 => _floor + (above * FallRate),
            < MarginDb => _floor + (above * NoiseRiseRate),
            _ => _floor + SpeechRiseDb,
        };
        _floor = MathF.Max(_floor, MinFloorDb);
        return probability;
    }

    public void Reset() => _floor = float.NaN;

    public void Dispose()
    {
    }

    /// <summary>RMS level of the samples in dBFS (a full-scale square wave is 0 dBFS).</summary>
    public static float LevelDb(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return SilenceDb;
        }

        var vectors = MemoryMarshal.Cast<short, Vector<short>>(samples);
        var squares = Vector<float>.Zero;
        foreach (var vector in vectors)
        {
            Vector.Widen(vector, out var low, out var high);
            var lowF = Vector.ConvertToSingle(low);
            var highF = Vector.ConvertToSingle(high);
            squares += (lowF * lowF) + (highF * highF);
        }

        var sum = Vector.Sum(squares);
        for (var i = vectors.Length * Vector<short>.Count; i < samples.Length; i++)
        {
            sum += (float)samples[i] * samples[i];
        }

        var meanSquare = sum / samples.Length;
        return meanSquare <= 0 ? SilenceDb : MathF.Max(SilenceDb, 10f * MathF.Log10(meanSquare / FullScaleSquared));
    }
}
