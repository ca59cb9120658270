using RoleplayHub.Audio.Vad;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Audio;

/// <summary>Silero VAD v5 through the turn detector, with its default settings, on real recordings. The model is the one
/// <c>scripts/setup.sh</c> installs; without it these fail, saying so.</summary>
public sealed class SileroVoiceDetectorTests : IClassFixture<SileroVoiceDetectorTests.Model>
{
    private const int Padding = VadAudio.SamplesPerSecond * 3 / 2;
    private const int PrefixMs = 300;

    private readonly SileroModel _model;

    public SileroVoiceDetectorTests(Model model)
    {
        _model = model.Silero;
        Assert.True(_model.Unavailable is null, _model.Unavailable);
    }

    [Theory]
    [MemberData(nameof(EnergyVoiceDetectorTests.Clips), MemberType = typeof(EnergyVoiceDetectorTests))]
    public void FindsOneTurnInARealClipPaddedWithSilenceAndNothingInTheSilence(string name)
    {
        var clip = EnergyVoiceDetectorTests.Clip(name).Samples();

        var events = Events(VadAudio.Pad(clip, Padding));

        EnergyVoiceDetectorTests.AssertOneTurnWithinTheClip(events, clip.Length);
    }

    [Theory]
    [MemberData(nameof(EnergyVoiceDetectorTests.Clips), MemberType = typeof(EnergyVoiceDetectorTests))]
    public void FindsTheSameTurnOverSteadyBackgroundNoise(string name)
    {
        var clip = EnergyVoiceDetectorTests.Clip(name).Samples();
        var padded = VadAudio.Pad(clip, Padding);

        var events = Events(VadAudio.Mix(padded, VadAudio.WhiteNoise(padded.Length, dbfs: -50, seed: 7)));

        EnergyVoiceDetectorTests.AssertOneTurnWithinTheClip(events, clip.Length);
    }

    [Fact]
    public void LoudNoiseAloneIsNeverSpeech()
    {
        var events = Events(VadAudio.WhiteNoise(VadAudio.SamplesPerSecond * 10, dbfs: -25, seed: 3));

        Assert.Empty(events);
    }

    [Fact]
    public void EachSessionKeepsItsOwnStateOnTheSharedModel()
    {
        var clip = VadAudio.Pad(TestAudio.Amiable.Samples(), Padding);
        var kind = new SileroDetectorKind(_model);
        using var alone = kind.Create();
        using var first = kind.Create();
        using var second = kind.Create();

        var window = IVoiceDetector.WindowSamples;
        for (var offset = 0; offset + window <= clip.Length; offset += window)
        {
            var samples = clip.AsSpan(offset, window);
            var expected = alone.SpeechProbability(samples);
            Assert.Equal(expected, first.SpeechProbability(samples));
            second.SpeechProbability(new short[window]); // another session's silence, interleaved
        }
    }

    [Fact]
    public void ScoringAWindowAllocatesNothing()
    {
        var clip = VadAudio.Pad(TestAudio.IllDisposed.Samples(), Padding);
        using var turns = new TurnDetector(new SileroDetectorKind(_model).Create(), 0.5f, PrefixMs, 500);
        VadAudio.Events(turns, clip);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0; offset + IVoiceDetector.WindowSamples <= clip.Length; offset += IVoiceDetector.WindowSamples)
        {
            turns.Process(clip.AsSpan(offset, IVoiceDetector.WindowSamples));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AMissingModelIsUnavailableSayingHowToInstallIt()
    {
        using var missing = new SileroModel(Path.Combine(Path.GetTempPath(), "no-such-silero.onnx"));

        Assert.Contains("scripts/setup.sh runtime", missing.Unavailable);
        Assert.Throws<InvalidOperationException>(() => new SileroDetectorKind(missing).Create());
    }

    [Fact]
    public void AFileThatIsNotTheModelIsUnavailableSayingWhy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-silero-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "not a model");
        try
        {
            using var wrong = new SileroModel(path);

            Assert.Contains("could not be loaded", wrong.Unavailable);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private List<VoiceEvent> Events(short[] audio)
    {
        var kind = new SileroDetectorKind(_model);
        using var turns = new TurnDetector(kind.Create(), kind.DefaultThreshold, PrefixMs, 500);
        return VadAudio.Events(turns, audio);
    }

    /// <summary>The installed model, loaded once for the class.</summary>
    public sealed class Model : IDisposable
    {
        public SileroModel Silero { get; } = new(Path.Combine(AppContext.BaseDirectory, "models", "silero_vad.onnx"));

        public void Dispose() => Silero.Dispose();
    }
}
