namespace RoleplayHub.Audio;

/// <summary>
/// Streaming rational resampler (upsample by L, low-pass, downsample by M) in polyphase form, so only the
/// output samples are computed. The low-pass is a Kaiser-windowed sinc with its cutoff at 45 % of the lower of
/// the two rates: it removes what would alias when going down (48 kHz → 16 kHz) and the images when going up
/// (8 kHz → 16 kHz), instead of dropping or repeating samples. State carries across calls, so chunk boundaries
/// leave no seams.
/// </summary>
/// <remarks>
/// Kept instead of NAudio's WDL resampler (docs/benchmarks.md, "Resampling and WAV files"): its sample provider
/// filters with IIR stages around linear interpolation, which leaves strong aliases and a drooping speech band, and its
/// windowed-sinc mode costs more CPU for less stop-band rejection than this filter.
/// </remarks>
public sealed class PolyphaseResampler
{
    private const int TapsPerPhase = 48;
    private const double KaiserBeta = 8.0;

    private readonly int _up;
    private readonly int _down;
    private readonly float[][] _phases; // each reversed, so a dot product with the input window is contiguous
    private float[] _window; // the last TapsPerPhase-1 input samples, then the new ones
    private int _windowCount;
    private long _position; // next output position in upsampled units, relative to _window[0]

    public PolyphaseResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var gcd = Gcd(inputRate, outputRate);
        _up = outputRate / gcd;
        _down = inputRate / gcd;
        InputRate = inputRate;
        OutputRate = outputRate;
        _phases = DesignPhases(_up, Math.Min(inputRate, outputRate) * 0.45 / ((double)inputRate * _up));
        _window = new float[TapsPerPhase - 1 + 4096];
        _windowCount = TapsPerPhase - 1;
        _position = (long)(TapsPerPhase - 1) * _up;
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    /// <summary>Upper bound of output samples for <paramref name="inputSamples"/> more input samples.</summary>
    public int MaxOutput(int inputSamples) => (int)(((long)inputSamples * _up / _down) + 2);

    /// <summary>Resamples the next input samples (mono, [-1, 1]) and appends PCM16 to <paramref name="output"/>.</summary>
    public void Process(ReadOnlySpan<float> input, PcmBuffer output)
    {
        EnsureWindow(_windowCount + input.Length);
        input.CopyTo(_window.AsSpan(_windowCount));
        _windowCount += input.Length;

        var destination = output.GetSpan(MaxOutput(input.Length));
        var produced = 0;
        while (true)
        {
            var index = _position / _up;
            if (index >= _windowCount)
            {
                break;
            }

            var phase = _phases[(int)(_position % _up)];
            var start = (int)index - (TapsPerPhase - 1);
            var sum = Dot(phase, _window.AsSpan(start, TapsPerPhase));
            destination[produced++] = ToPcm16(sum);
            _position += _down;
        }

        output.Advance(produced);

        // Keep the last TapsPerPhase-1 samples as history for the next call.
        var consumed = _windowCount - (TapsPerPhase - 1);
        _window.AsSpan(consumed, TapsPerPhase - 1).CopyTo(_window);
        _windowCount = TapsPerPhase - 1;
        _position -= (long)consumed * _up;
    }

    private static float Dot(float[] taps, ReadOnlySpan<float> window)
    {
        var sum = 0f;
        for (var i = 0; i < taps.Length; i++)
        {
            sum += taps[i] * window[i];
        }

        return sum;
    }

    private static short ToPcm16(float value)
    {
        var scaled = value * 32768f;
        return scaled >= 32767f ? short.MaxValue : scaled <= -32768f ? short.MinValue : (short)MathF.Round(scaled);
    }

    private void EnsureWindow(int needed)
    {
        if (needed > _window.Length)
        {
            Array.Resize(ref _window, Math.Max(needed, _window.Length * 2));
        }
    }

    private static float[][] DesignPhases(int up, double cutoff)
    {
        // Prototype filter at the upsampled rate: cutoff is in cycles per upsampled sample.
        var length = TapsPerPhase * up;
        var center = (length - 1) / 2.0;
        var i0Beta = BesselI0(KaiserBeta);
        var phases = new float[up][];
        for (var p = 0; p < up; p++)
        {
            phases[p] = new float[TapsPerPhase];
        }

        for (var n = 0; n < length; n++)
        {
            var x = n - center;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var ratio = (2.0 * n / (length - 1)) - 1;
            var window = BesselI0(KaiserBeta * Math.Sqrt(1 - (ratio * ratio))) / i0Beta;
            var tap = sinc * window * up; // × up restores the gain lost to zero-stuffing

            // Output at upsampled position u = i·up + p uses taps h[p + k·up] against input x[i - k].
            var phase = n % up;
            var k = n / up;
            phases[phase][TapsPerPhase - 1 - k] = (float)tap;
        }

        return phases;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= half / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-12)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
