using RoleplayHub.Audio.Vad;
using RoleplayHub.Core;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Tests.Pipeline;

/// <summary><c>start-session</c>'s <c>turnDetection</c>: what is asked for is checked, and the defaults are filled in.</summary>
public sealed class TurnDetectionTests
{
    private static readonly VoiceDetectors Detectors = new([new Kind("energy", 0.6f, null), new Kind("silero", 0.5f, "the model file models/silero_vad.onnx is missing; run scripts/setup.sh")], "energy");

    [Fact]
    public void WithoutTurnDetectionTheClientEndsItsTurns()
    {
        Assert.Same(TurnDetection.Off, TurnDetection.Resolve(null, Detectors, out _));
        Assert.Same(TurnDetection.Off, TurnDetection.Resolve(new TurnDetectionRequest("none", null, null, null, null), Detectors, out _));
    }

    [Fact]
    public void ServerVadTakesTheDefaultDetectorItsThresholdAndOpenAisPaddingAndSilence()
    {
        var detection = TurnDetection.Resolve(new TurnDetectionRequest("server-vad", null, null, null, null), Detectors, out _);

        Assert.Equal(new TurnDetection("server-vad", "energy", 0.6f, 300, 500), detection);
    }

    [Theory]
    [InlineData(null, "auto", 300, 2_000)]
    [InlineData("HIGH", "high", 250, 1_000)]
    [InlineData("medium", "medium", 300, 2_000)]
    [InlineData("low", "low", 500, 4_000)]
    public void SemanticVadWaitsShortAfterFinishedWordsAndLongAfterUnfinishedOnesAsItsEagernessSays(string? asked, string eagerness, int finished, int unfinished)
    {
        var detection = TurnDetection.Resolve(new TurnDetectionRequest("semantic-vad", null, null, null, null, asked), Detectors, out _);

        Assert.Equal(new TurnDetection("semantic-vad", "energy", 0.6f, 300, finished, eagerness, unfinished), detection);
        Assert.True(detection!.IsServerVad);
    }

    [Theory]
    [InlineData("semantic-vad", 400, null, "turnDetection.silenceMs belongs to 'server-vad'")]
    [InlineData("semantic-vad", null, "eager", "turnDetection.eagerness")]
    [InlineData("server-vad", null, "high", "turnDetection.eagerness belongs to 'semantic-vad'")]
    public void EachTypeRefusesTheOthersSettings(string type, int? silenceMs, string? eagerness, string says)
    {
        Assert.Null(TurnDetection.Resolve(new TurnDetectionRequest(type, null, null, null, silenceMs, eagerness), Detectors, out var error));

        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatTheClientSetsIsKept()
    {
        var detection = TurnDetection.Resolve(new TurnDetectionRequest("Server-VAD", "ENERGY", 0.8, 0, 200), Detectors, out _);

        Assert.Equal(new TurnDetection("server-vad", "energy", 0.8f, 0, 200), detection);
    }

    [Theory]
    [InlineData("smart-vad", null, ErrorCodes.UnsupportedTurnDetection, "use 'server-vad', 'semantic-vad' or 'none'")]
    [InlineData("server-vad", "webrtc", ErrorCodes.UnsupportedTurnDetection, "use one of: energy, silero")]
    [InlineData("server-vad", "silero", ErrorCodes.UnsupportedTurnDetection, "models/silero_vad.onnx is missing")]
    public void AnUnknownOrUnavailableDetectorIsRefusedWithWhatThereIs(string type, string? detector, string code, string says)
    {
        Assert.Null(TurnDetection.Resolve(new TurnDetectionRequest(type, detector, null, null, null), Detectors, out var error));

        Assert.Equal(code, error.Code);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, null, null, "threshold")]
    [InlineData(1.0, null, null, "threshold")]
    [InlineData(double.NaN, null, null, "threshold")]
    [InlineData(null, -1, null, "prefixPaddingMs")]
    [InlineData(null, 1_001, null, "prefixPaddingMs")]
    [InlineData(null, null, 99, "silenceMs")]
    [InlineData(null, null, 5_001, "silenceMs")]
    public void SettingsOutOfRangeAreRefusedByName(double? threshold, int? prefixPaddingMs, int? silenceMs, string field)
    {
        Assert.Null(TurnDetection.Resolve(new TurnDetectionRequest("server-vad", null, threshold, prefixPaddingMs, silenceMs), Detectors, out var error));

        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
        Assert.Contains($"turnDetection.{field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoneWithSettingsIsRefusedRatherThanSilentlyIgnored()
    {
        Assert.Null(TurnDetection.Resolve(new TurnDetectionRequest("none", null, null, null, 300), Detectors, out var error));

        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
    }

    private sealed class Kind(string name, float threshold, string? unavailable) : IVoiceDetectorKind
    {
        public string Name => name;

        public float DefaultThreshold => threshold;

        public string? Unavailable => unavailable;

        public IVoiceDetector Create() => throw new NotSupportedException();
    }
}
