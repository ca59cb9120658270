using RoleplayHub.Coaching;
using RoleplayHub.Core;

namespace RoleplayHub.Tests.Coaching;

/// <summary>Every figure of the two scripted drills (<see cref="ScriptedDrills"/>) against its hand-computed value.</summary>
public sealed class DrillAnalyticsTests
{
    private static readonly CoachingOptions Options = new();
    private static readonly DrillAnalyzer Analyzer = new(new FillerCounter(Options.EnglishFillers, Options.ChineseFillers));

    private static DrillAnalytics English() =>
        Analyzer.Analyze(new DrillTurns("en-US", ScriptedDrills.English(), [ScriptedDrills.PriceEn, ScriptedDrills.RiskEn]));

    private static DrillAnalytics Chinese() =>
        Analyzer.Analyze(new DrillTurns("zh-CN", ScriptedDrills.Chinese(), [ScriptedDrills.PriceZh]));

    [Fact]
    public void AScenarioPhraseIsPreparedForMatchingOnceNotInEveryDrill()
    {
        var phrase = ScriptedDrills.PriceEn.ResolvedBy[1];

        var first = ScenarioPhrases.Of(phrase);

        Assert.Same(first, ScenarioPhrases.Of(phrase));
        Assert.Equal("payment plan", first.Normalized);
    }

    [Fact]
    public void AnEnglishDrillCountsWordsSpeakingTimeTalkRatioAndPace()
    {
        var a = English();

        Assert.Equal(3, a.TraineeTurns);
        Assert.Equal(12 + 14 + 28, a.TraineeWords);
        Assert.Equal("words", a.WordUnit);
        Assert.Equal(4000 + 6000 + 12_000, a.TraineeSpeakingMs);
        Assert.Equal(4000 + 5000 + 1500 + 1500, a.PersonaSpeakingMs); // the cut reply counts what played
        Assert.Equal(0.647, a.TalkRatio); // 22 / 34
        Assert.Equal(147.3, a.WordsPerMinute); // 54 words in 22 s
    }

    [Fact]
    public void AnEnglishDrillCountsFillersQuestionsMonologueLatencyAndInterruptions()
    {
        var a = English();

        Assert.Equal(4, a.FillerWords);
        Assert.Equal(7.4, a.FillersPer100Words); // 4 × 100 / 54
        Assert.Equal([new("i mean", 1), new("uh", 1), new("um", 1), new("you know", 1)], a.Fillers);
        Assert.Equal((2, 1, 1), (a.Questions, a.OpenQuestions, a.ClosedQuestions));
        Assert.Equal(new Monologue(3, 12_000, 28), a.LongestMonologue);
        // Turn 1: 9.9 s − 4 s (opening) − 4 s speaking; turn 2: 23.8 − (10.7 + 5) − 6; turn 3: 40 − (24.5 + 1.5) − 12.
        Assert.Equal([new(1, 1900), new(2, 2100), new(3, 2000)], a.ResponseLatencies);
        Assert.Equal(2000, a.MedianResponseLatencyMs);
        Assert.Equal(1, a.Interruptions);
    }

    [Fact]
    public void AnObjectionIsHandledByTheFirstAnswerPhraseAfterThePersonaRaisedIt()
    {
        var a = English();

        Assert.Equal(
            [new ObjectionCoverage("price", true, true, 1, 2, "discount"), new ObjectionCoverage("risk", false, false, null, null, null)],
            a.Objections);
    }

    [Fact]
    public void AChineseDrillCountsEachCharacterAsAUnitAndItsFillersAsSubstrings()
    {
        var a = Chinese();

        Assert.Equal(2, a.TraineeTurns);
        Assert.Equal(12 + 21, a.TraineeWords);
        Assert.Equal("characters", a.WordUnit);
        Assert.Equal(3000 + 6000, a.TraineeSpeakingMs);
        Assert.Equal(3000 + 4000 + 1500, a.PersonaSpeakingMs);
        Assert.Equal(0.514, a.TalkRatio); // 9 / 17.5
        Assert.Equal(220.0, a.WordsPerMinute); // 33 characters in 9 s
        Assert.Equal(2, a.FillerWords);
        Assert.Equal(6.1, a.FillersPer100Words);
        Assert.Equal([new("嗯", 1), new("那个那个", 1)], a.Fillers);
    }

    [Fact]
    public void AChineseDrillClassifiesQuestionsAndMeasuresLatencyAndObjections()
    {
        var a = Chinese();

        Assert.Equal((2, 1, 1), (a.Questions, a.OpenQuestions, a.ClosedQuestions));
        Assert.Equal(new Monologue(2, 6000, 21), a.LongestMonologue);
        // Turn 1: 8 s − 3 s − 3 s; turn 2: 19.5 − (8.5 + 4) − 6.
        Assert.Equal([new(1, 2000), new(2, 1000)], a.ResponseLatencies);
        Assert.Equal(1500, a.MedianResponseLatencyMs);
        Assert.Equal(0, a.Interruptions);
        Assert.Equal([new ObjectionCoverage("price", true, true, 1, 2, "折扣")], a.Objections);
    }

    [Fact]
    public void WithoutWordTimingsThereIsNoSpeakingTimeSoNoRatioPaceOrMonologue()
    {
        var turns = ScriptedDrills.English().Select(t => t with { SpeakingMs = null }).ToList();

        var a = Analyzer.Analyze(new DrillTurns("en-US", turns, []));

        Assert.Equal(54, a.TraineeWords);
        Assert.Null(a.TalkRatio);
        Assert.Null(a.WordsPerMinute);
        Assert.Null(a.LongestMonologue);
        Assert.Equal(0, a.TraineeSpeakingMs);
    }

    [Fact]
    public void ADrillWithoutTraineeTurnsHasZerosAndNulls()
    {
        var a = Analyzer.Analyze(new DrillTurns("en-US", [ScriptedDrills.English()[0]], [ScriptedDrills.PriceEn]));

        Assert.Equal(0, a.TraineeTurns);
        Assert.Null(a.FillersPer100Words);
        Assert.Null(a.MedianResponseLatencyMs);
        Assert.Empty(a.ResponseLatencies);
        Assert.False(a.Objections.Single().Raised);
    }
}
