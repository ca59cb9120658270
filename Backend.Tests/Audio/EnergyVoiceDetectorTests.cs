using RoleplayHub.Audio.Vad;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Audio;

/// <summary>The energy detector through the turn detector, with its default settings, on real recordings.</summary>
public sealed class EnergyVoiceDetectorTests
{
    private const int Padding = VadAudio.SamplesPerSecond * 3 / 2; // 1.5 s
    private const int PrefixMs = 300;

    public static TheoryData<string> Clips() => [nameof(TestAudio.IllDisposed), nameof(TestAudio.Amiable), nameof(TestAudio.GoForward)];

    [Theory]
    [MemberData(nameof(Clips))]
    public void FindsOneTurnInARealClipPaddedWithSilenceAndNothingInTheSilence(string name)
    {
        var clip = Clip(name).Samples();

        var events = Events(VadAudio.Pad(clip, Padding));

        AssertOneTurnWithinTheClip(events, clip.Length);
    }

    [Theory]
    [MemberData(nameof(Clips))]
    public void FindsTheSameTurnOverSteadyBackgroundNoise(string name)
    {
        var clip = Clip(name).Samples();
        var padded = VadAudio.Pad(clip, Padding);

        var events = Events(VadAudio.Mix(padded, VadAudio.WhiteNoise(padded.Length, dbfs: -50, seed: 7)));

        AssertOneTurnWithinTheClip(events, clip.Length);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(-45)]
    [InlineData(-35)]
    public void SteadyNoiseAloneIsNeverSpeech(double dbfs)
    {
        var events = Events(VadAudio.WhiteNoise(VadAudio.SamplesPerSecond * 20, dbfs, seed: 3));

        Assert.Empty(events);
    }

    [Fact]
    public void TheNoiseFloorLearnsTheBackgroundAndNeverSinksBelowItsMinimum()
    {
        using var detector = new EnergyVoiceDetector();
        var noise = VadAudio.WhiteNoise(IVoiceDetector.WindowSamples * 100, dbfs: -50, seed: 5);
        for (var i = 0; i < 100; i++)
        {
            detector.SpeechProbability(noise.AsSpan(i * IVoiceDetector.WindowSamples, IVoiceDetector.WindowSamples));
        }

        Assert.InRange(detector.FloorDb, -51, -49);

        var silence = new short[IVoiceDetector.WindowSamples];
        for (var i = 0; i < 100; i++)
        {
            detector.SpeechProbability(silence);
        }

        Assert.Equal(EnergyVoiceDetector.MinFloorDb, detector.FloorDb);
    }

    [Fact]
    public void ScoringAWindowAllocatesNothing()
    {
        var clip = VadAudio.Pad(TestAudio.IllDisposed.Samples(), Padding);
        using var turns = new TurnDetector(new EnergyVoiceDetector(), 0.5f, PrefixMs, 500);
        VadAudio.Events(turns, clip); // warm: the JIT's tiers

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0; offset + IVoiceDetector.WindowSamples <= clip.Length; offset += IVoiceDetector.WindowSamples)
        {
            turns.Process(clip.AsSpan(offset, IVoiceDetector.WindowSamples));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void LevelIsRmsInDecibelsOfFullScale()
    {
        var fullScaleSquare = Enumerable.Range(0, 512).Select(i => i % 2 == 0 ? short.MaxValue : short.MinValue).ToArray();

        Assert.Equal(0, EnergyVoiceDetector.LevelDb(fullScaleSquare), 0.01);
        Assert.Equal(-50, EnergyVoiceDetector.LevelDb(VadAudio.WhiteNoise(16_000, -50, seed: 1)), 0.2);
        Assert.Equal(-100, EnergyVoiceDetector.LevelDb(new short[512]));
    }

    internal static TestAudio.Clip Clip(string name) =>
        (TestAudio.Clip)typeof(TestAudio).GetField(name)!.GetValue(null)!;

    /// <summary>One start and one stop; the start no earlier than the clip less the prefix padding and the window that
    /// straddles the clip's first sample (nothing in the silence before it), the stop no later than the clip's end.</summary>
    internal static void AssertOneTurnWithinTheClip(List<VoiceEvent> events, int clipLength)
    {
        Assert.Equal([VoiceEventKind.SpeechStarted, VoiceEventKind.SpeechStopped], events.Select(e => e.Kind));
        Assert.InRange(events[0].Sample, Padding - (PrefixMs * 16) - IVoiceDetector.WindowSamples, Padding + (clipLength / 2));
        Assert.InRange(events[1].Sample, Padding + (clipLength / 2), Padding + clipLength);
    }

    private static List<VoiceEvent> Events(short[] audio)
    {
        var kind = new EnergyDetectorKind();
        using var turns = new TurnDetector(kind.Create(), kind.DefaultThreshold, PrefixMs, 500);
        return VadAudio.Events(turns, audio);
    }
}
