using System.Reflection;
using RoleplayHub.Coaching;
using RoleplayHub.Core;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Coaching;

/// <summary>What the capture keeps of an open session's turns for its coaching report.</summary>
public sealed class DrillTurnCaptureTests
{
    private static readonly Guid Key = Guid.NewGuid();

    [Fact]
    public void ACapturedTurnHoldsNoReferenceButItsTwoTexts()
    {
        var references = typeof(DrillTurn).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => !f.FieldType.IsValueType)
            .Select(f => (f.Name, f.FieldType))
            .ToList();

        Assert.Equal(2, references.Count);
        Assert.All(references, r => Assert.Equal(typeof(string), r.FieldType));
    }

    [Fact]
    public void ATurnIsKeptAsTheReportReadsItARevisionReplacesItAndTheSessionsEndDropsThem()
    {
        var capture = new DrillTurnCapture(new NoSessionJournal());
        capture.SessionStarted(new SessionStartRecord(Key, "s", "u", "scenario", "Persona", "en-US", "pcm16", null, ScriptedDrills.T0));

        capture.TurnCompleted(Turn("first try") with
        {
            Words = [new WordTiming("first", 300, 700), new WordTiming("try", 800, 1_450)],
            AvatarSegments = [Segment(2_000), Segment(1_500)],
        });
        var first = Assert.Single(capture.Turns(Key));
        capture.TurnCompleted(Turn("said again") with { Revision = true, AvatarSegments = [Segment(2_000)], Interrupted = true, PlayedMs = 600 });
        var revised = Assert.Single(capture.Turns(Key));
        capture.SessionEnded(new SessionEndRecord(Key, "s", "client", 1, ScriptedDrills.T0.AddMinutes(1)));

        Assert.Equal(("first try", 1_150L, 3_500L, true), (first.UserText, first.SpeakingMs, first.PersonaMs, first.PersonaSpoke));
        Assert.Equal(("said again", (long?)null, 600L, true), (revised.UserText, revised.SpeakingMs, revised.PersonaMs, revised.Interrupted));
        Assert.Empty(capture.Turns(Key));
    }

    [Fact]
    public void WithCoachingOffNoCopyIsKeptAndEveryRecordStillReachesTheJournal()
    {
        var journal = new CountingJournal();
        var capture = new DrillTurnCapture(journal, keep: false);

        capture.SessionStarted(new SessionStartRecord(Key, "s", "u", "scenario", "Persona", "en-US", "pcm16", null, ScriptedDrills.T0));
        capture.TurnCompleted(Turn("first try"));
        var kept = capture.Turns(Key);
        capture.SessionEnded(new SessionEndRecord(Key, "s", "client", 1, ScriptedDrills.T0.AddMinutes(1)));

        Assert.Empty(kept);
        Assert.Equal((1, 1, 1), (journal.Starts, journal.Turns, journal.Ends));
    }

    private static TurnRecord Turn(string text) => new()
    {
        HistoryKey = Key,
        SessionId = "s",
        Turn = 1,
        UserText = text,
        AiText = "A reply.",
        StartedAt = ScriptedDrills.T0,
        CompletedAt = ScriptedDrills.T0.AddSeconds(2),
    };

    private static AvatarSegmentRecord Segment(int durationMs) => new(0, "A reply.", "audio/key.wav", null, durationMs, "audio/wav");

    private sealed class CountingJournal : ISessionJournal
    {
        public int Starts { get; private set; }

        public int Turns { get; private set; }

        public int Ends { get; private set; }

        public void SessionStarted(SessionStartRecord record) => Starts++;

        public void TurnCompleted(TurnRecord record) => Turns++;

        public void SessionEnded(SessionEndRecord record) => Ends++;
    }
}
