using RoleplayHub.Audio.Vad;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Audio for the voice detectors' tests and benchmark: clips padded with silence, seeded noise, and the turn
/// events a detector finds in a stream.</summary>
public static class VadAudio
{
    public const int SamplesPerSecond = 16_000;

    /// <summary><paramref name="clip"/> with <paramref name="padding"/> samples of digital silence before and after.</summary>
    public static short[] Pad(ReadOnlySpan<short> clip, int padding)
    {
        var padded = new short[clip.Length + (2 * padding)];
        clip.CopyTo(padded.AsSpan(padding));
        return padded;
    }

    /// <summary>Gaussian white noise whose RMS level is <paramref name="dbfs"/>, the same for the same seed.</summary>
    public static short[] WhiteNoise(int samples, double dbfs, int seed)
    {
        var random = new Random(seed);
        var rms = 32768 * Math.Pow(10, dbfs / 20);
        var noise = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            // Box–Muller: one standard normal from two uniforms.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            noise[i] = (short)Math.Clamp(Math.Round(normal * rms), short.MinValue, short.MaxValue);
        }

        return noise;
    }

    /// <summary>The sum of two equally long signals, clipped to PCM16.</summary>
    public static short[] Mix(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        var sum = new short[a.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = (short)Math.Clamp(a[i] + b[i], short.MinValue, short.MaxValue);
        }

        return sum;
    }

    /// <summary>Every event <paramref name="turns"/> finds in <paramref name="audio"/>, fed in 250 ms pieces as a
    /// session's chunks arrive.</summary>
    public static List<VoiceEvent> Events(TurnDetector turns, ReadOnlySpan<short> audio, int piece = SamplesPerSecond / 4)
    {
        var events = new List<VoiceEvent>();
        for (var offset = 0; offset < audio.Length; offset += piece)
        {
            var chunk = audio.Slice(offset, Math.Min(piece, audio.Length - offset));
            while (!chunk.IsEmpty)
            {
                var (found, consumed) = turns.Process(chunk);
                chunk = chunk[consumed..];
                if (found is { } evt)
                {
                    events.Add(evt);
                }
            }
        }

        return events;
    }
}
