using RoleplayHub.Audio.Vad;

namespace RoleplayHub.Tests.Audio;

/// <summary>Endpointing: speech starts at the first window over the threshold (minus the prefix padding) and ends after
/// silenceMs below it, wherever the pieces of audio begin and end.</summary>
public sealed class TurnDetectorTests
{
    private const int Window = IVoiceDetector.WindowSamples; // 32 ms

    [Fact]
    public void SpeechStartsAtTheFirstLoudWindowLessThePaddingAndStopsAfterTheSilence()
    {
        // 10 quiet windows, 20 speech windows, then quiet: silence of 500 ms = 16 windows (15.6 rounded up).
        using var turns = new TurnDetector(new ScriptedDetector(i => i is >= 10 and < 30 ? 0.9f : 0.05f), 0.5f, prefixPaddingMs: 96, silenceMs: 500);

        var events = Run(turns, new short[Window * 60], piece: 1_000);

        Assert.Equal(
            [new VoiceEvent(VoiceEventKind.SpeechStarted, (10 * Window) - (96 * 16)), new VoiceEvent(VoiceEventKind.SpeechStopped, 30 * Window)],
            events.Select(e => e.Event));
        Assert.Equal((30 + 16) * Window, events[1].At); // reported once 500 ms of silence had passed
    }

    [Theory]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(4_000)]
    public void HowTheAudioIsCutIntoPiecesChangesNothing(int piece)
    {
        using var whole = new TurnDetector(new ScriptedDetector(i => i % 40 is >= 5 and < 15 ? 0.9f : 0.1f), 0.5f, 300, 500);
        using var cut = new TurnDetector(new ScriptedDetector(i => i % 40 is >= 5 and < 15 ? 0.9f : 0.1f), 0.5f, 300, 500);

        var expected = Run(whole, new short[Window * 200], piece: Window * 200);
        var actual = Run(cut, new short[Window * 200], piece);

        Assert.Equal(expected, actual);
        Assert.Equal(10, actual.Count); // five turns
    }

    [Fact]
    public void AProbabilityHoveringJustUnderTheThresholdDoesNotEndSpeech()
    {
        using var turns = new TurnDetector(new ScriptedDetector(i => i < 5 ? 0.9f : 0.4f), 0.5f, 0, 300);

        var events = Run(turns, new short[Window * 100], piece: Window);

        Assert.Equal([VoiceEventKind.SpeechStarted], events.Select(e => e.Event.Kind));
        Assert.True(turns.InSpeech);
    }

    private static List<(VoiceEvent Event, long At)> Run(TurnDetector turns, short[] audio, int piece)
    {
        var events = new List<(VoiceEvent, long)>();
        for (var offset = 0; offset < audio.Length;)
        {
            var chunk = audio.AsSpan(offset, Math.Min(piece, audio.Length - offset));
            while (!chunk.IsEmpty)
            {
                var (evt, consumed) = turns.Process(chunk);
                chunk = chunk[consumed..];
                if (evt is { } found)
                {
                    events.Add((found, turns.Position));
                }
            }

            offset += piece;
        }

        return events;
    }

    /// <summary>Probabilities by window number.</summary>
    private sealed class ScriptedDetector(Func<int, float> probability) : IVoiceDetector
    {
        private int _window;

        public float SpeechProbability(ReadOnlySpan<short> window) => probability(_window++);

        public void Reset() => _window = 0;

        public void Dispose()
        {
        }
    }
}
