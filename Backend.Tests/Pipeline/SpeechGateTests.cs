using RoleplayHub.Audio;
using RoleplayHub.Audio.Vad;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Tests.Pipeline;

/// <summary>Server VAD's gate: the recogniser hears each turn from its prefix padding to its stop, and nothing of the
/// audio between turns, wherever the decoded pieces begin and end.</summary>
public sealed class SpeechGateTests
{
    private const int Window = IVoiceDetector.WindowSamples;

    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(Window * 100)]
    public void ATurnIsHeardFromItsPrefixPaddingToTheEndOfItsSilence(int piece)
    {
        // Speech in windows 20–39 and 60–69; prefix 96 ms (3 windows), silence 160 ms (5 windows).
        using var gate = Gate(i => i is >= 20 and < 40 or >= 60 and < 70, prefixPaddingMs: 96, silenceMs: 160);
        var audio = Numbered(Window * 100);

        var (events, turns) = Run(gate, audio, piece);

        Assert.Equal(
        [
            new VoiceEvent(VoiceEventKind.SpeechStarted, (20 - 3) * Window),
            new VoiceEvent(VoiceEventKind.SpeechStopped, 40 * Window),
            new VoiceEvent(VoiceEventKind.SpeechStarted, (60 - 3) * Window),
            new VoiceEvent(VoiceEventKind.SpeechStopped, 70 * Window),
        ], events);
        Assert.Equal(audio[((20 - 3) * Window)..(45 * Window)], turns[0]);
        Assert.Equal(audio[((60 - 3) * Window)..(75 * Window)], turns[1]);
    }

    [Fact]
    public void SpeechAtTheVeryStartHasOnlyThePaddingThereWas()
    {
        using var gate = Gate(i => i is >= 1 and < 10, prefixPaddingMs: 300, silenceMs: 160);
        var audio = Numbered(Window * 30);

        var (events, turns) = Run(gate, audio, piece: 1_600);

        Assert.Equal(new VoiceEvent(VoiceEventKind.SpeechStarted, 0), events[0]);
        Assert.Equal(audio[..(15 * Window)], turns[0]);
    }

    [Fact]
    public void SpeechLongerThanTheLongestUtteranceStopsThere()
    {
        using var gate = Gate(_ => true, prefixPaddingMs: 0, silenceMs: 500, maxSpeech: TimeSpan.FromSeconds(1));

        var (events, turns) = Run(gate, Numbered(16_000 * 3), piece: 1_600);

        Assert.Equal(VoiceEventKind.SpeechStopped, events[1].Kind);
        Assert.InRange(turns[0].Length, 16_000, 16_000 + Window); // cut at the first window past one second
        Assert.Equal(3, events.Count(e => e.Kind == VoiceEventKind.SpeechStarted)); // and the speaker carries on in a new turn
    }

    [Fact]
    public void StopEndsTheSpeechInProgressWhereTheAudioEnds()
    {
        using var gate = Gate(i => i >= 2, prefixPaddingMs: 0, silenceMs: 500);
        Run(gate, Numbered(Window * 10), piece: Window * 10);

        Assert.True(gate.InSpeech);
        var stopped = gate.Stop();

        Assert.Equal(new VoiceEvent(VoiceEventKind.SpeechStopped, Window * 10), stopped);
        Assert.False(gate.InSpeech);
    }

    [Fact]
    public void SemanticVadWaitsTheLongerSilenceWhileTheWordsSoundUnfinishedAndTheShorterOnceTheyDoNot()
    {
        // Speech in windows 10–19, 40–49 and 80–89; 160 ms (5 windows) after finished words, 1,600 ms (50) after unfinished.
        using var gate = new SpeechGate(new TurnDetector(new WindowScript(i => i is >= 10 and < 20 or >= 40 and < 50 or >= 80 and < 90), 0.5f, 0, 160), 0, TimeSpan.FromMinutes(1), unfinishedSilenceMs: 1_600);
        var audio = Numbered(Window * 200);
        var events = new List<VoiceEvent>();
        using var speech = new PcmBuffer();
        for (var w = 0; w < 200; w++)
        {
            if (w == 21)
            {
                gate.SoundsUnfinished(true); // "…and": the pause after it is not the end
            }

            if (w == 60)
            {
                gate.SoundsUnfinished(false); // the recogniser caught up: "…and the price"
            }

            var from = 0;
            speech.Clear();
            if (gate.Next(audio.AsSpan(w * Window, Window), ref from, speech) is { } evt)
            {
                events.Add(evt);
            }
        }

        Assert.Equal(
        [
            new VoiceEvent(VoiceEventKind.SpeechStarted, 10 * Window),
            new VoiceEvent(VoiceEventKind.SpeechStopped, 50 * Window), // the 20-window pause after "and" did not end it
            new VoiceEvent(VoiceEventKind.SpeechStarted, 80 * Window),
            new VoiceEvent(VoiceEventKind.SpeechStopped, 90 * Window), // a new turn starts needing the short silence
        ], events);
    }

    [Fact]
    public void AnUnfinishedWordNamedWellIntoTheSilenceIsNoiseAndDoesNotHoldTheTurn()
    {
        using var gate = new SpeechGate(new TurnDetector(new WindowScript(i => i is >= 10 and < 20), 0.5f, 0, 500), 0, TimeSpan.FromMinutes(1), unfinishedSilenceMs: 3_000);
        var audio = Numbered(Window * 60);
        var events = new List<VoiceEvent>();
        using var speech = new PcmBuffer();
        for (var w = 0; w < 60; w++)
        {
            if (w == 20 + ((SpeechGate.RecognitionLagMs + 64) / 32))
            {
                gate.SoundsUnfinished(true); // "…the", heard in the room's noise
            }

            var from = 0;
            speech.Clear();
            if (gate.Next(audio.AsSpan(w * Window, Window), ref from, speech) is { } evt)
            {
                events.Add(evt);
            }
        }

        Assert.Equal(new VoiceEvent(VoiceEventKind.SpeechStopped, 20 * Window), events[^1]);
    }

    private static SpeechGate Gate(Func<int, bool> speechWindow, int prefixPaddingMs, int silenceMs, TimeSpan? maxSpeech = null) =>
        new(new TurnDetector(new WindowScript(speechWindow), 0.5f, prefixPaddingMs, silenceMs), prefixPaddingMs, maxSpeech ?? TimeSpan.FromMinutes(1));

    // Every sample tells its own position, so the test can see exactly which ones were passed on.
    private static short[] Numbered(int count) => Enumerable.Range(0, count).Select(i => (short)(i % 30_000)).ToArray();

    private static (List<VoiceEvent> Events, List<short[]> Turns) Run(SpeechGate gate, short[] audio, int piece)
    {
        var events = new List<VoiceEvent>();
        var turns = new List<short[]>();
        using var pcm = new PcmBuffer();
        using var speech = new PcmBuffer();
        var current = new List<short>();
        for (var offset = 0; offset < audio.Length; offset += piece)
        {
            pcm.Clear();
            pcm.Write(audio.AsSpan(offset, Math.Min(piece, audio.Length - offset)));
            var from = 0;
            while (from < pcm.Count)
            {
                speech.Clear();
                var evt = gate.Next(pcm.Samples, ref from, speech);
                current.AddRange(speech.Samples.ToArray());
                if (evt is { } found)
                {
                    events.Add(found);
                    if (found.Kind == VoiceEventKind.SpeechStopped)
                    {
                        turns.Add([.. current]);
                        current.Clear();
                    }
                }
            }
        }

        return (events, turns);
    }

    private sealed class WindowScript(Func<int, bool> speech) : IVoiceDetector
    {
        private int _window;

        public float SpeechProbability(ReadOnlySpan<short> window) => speech(_window++) ? 0.9f : 0.05f;

        public void Reset() => _window = 0;

        public void Dispose()
        {
        }
    }
}
