using RoleplayHub.Audio;
using RoleplayHub.Core;

namespace RoleplayHub.Bench.Resampling;

/// <summary>
/// Frequency response measured with pure tones, each streamed through a fresh resampler in 250 ms chunks: the output's
/// level at the tone (gain) and everything else in the output (what the resampler added: aliases, images,
/// interpolation products), both after the first 250 ms of settling, over one second of output.
/// </summary>
internal static class ToneSweep
{
    private const double Amplitude = 0.5; // −6 dBFS
    private const int OutputRate = AudioFormat.NormalizedSampleRate;

    /// <summary>Output level at the tone, relative to the input's, in dB; and the power of everything else relative
    /// to the output of a 1 kHz tone, in dB.</summary>
    public static (double GainDb, double SpuriousDb) Measure(string resampler, int inputRate, double hz, double referencePower)
    {
        var output = Resample(resampler, inputRate, hz);
        var wanted = hz < OutputRate / 2.0 ? ToneAmplitude(output, hz) : 0;
        var wantedPower = wanted * wanted / 2;
        var spurious = Math.Max(Power(output) - wantedPower, 1e-20);
        var gainDb = hz < OutputRate / 2.0 ? 20 * Math.Log10(wanted / Amplitude) : double.NaN;
        return (gainDb, 10 * Math.Log10(spurious / referencePower));
    }

    /// <summary>Output power of a 1 kHz tone: the reference for "dB below a passband tone".</summary>
    public static double ReferencePower(string resampler, int inputRate) => Power(Resample(resampler, inputRate, 1_000));

    private static short[] Resample(string name, int inputRate, double hz)
    {
        var chunk = inputRate / 4;
        var input = new float[inputRate * 3 / 2];
        for (var i = 0; i < input.Length; i++)
        {
            // quantised to PCM16 first, as the audio path's input is
            input[i] = (short)Math.Round(Amplitude * 32767 * Math.Sin(2 * Math.PI * hz * i / inputRate)) / 32768f;
        }

        var resampler = StreamingResamplers.Create(name, inputRate, OutputRate, chunk);
        using var output = new PcmBuffer(OutputRate * 2);
        for (var i = 0; i < input.Length; i += chunk)
        {
            resampler.Process(input.AsSpan(i, Math.Min(chunk, input.Length - i)), output);
        }

        if (output.Count < OutputRate * 5 / 4)
        {
            throw new InvalidOperationException($"{name} produced {output.Count} samples from 1.5 s at {inputRate} Hz.");
        }

        return output.Samples.Slice(OutputRate / 4, OutputRate).ToArray(); // 1 s after 250 ms of settling
    }

    private static double Power(short[] samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            var x = s / 32768.0;
            sum += x * x;
        }

        return sum / samples.Length;
    }

    /// <summary>Amplitude of the component at <paramref name="hz"/>: one second holds a whole number of its cycles,
    /// so projecting onto its sine and cosine separates it exactly from every other whole-hertz component.</summary>
    private static double ToneAmplitude(short[] samples, double hz)
    {
        double c = 0, s = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var phase = 2 * Math.PI * hz * i / OutputRate;
            var x = samples[i] / 32768.0;
            c += x * Math.Cos(phase);
            s += x * Math.Sin(phase);
        }

        return 2 * Math.Sqrt((c * c) + (s * s)) / samples.Length;
    }
}
