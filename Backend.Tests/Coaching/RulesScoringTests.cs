using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoleplayHub.Coaching;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Coaching;

/// <summary>The offline rubric over the scripted drills: each rule's score by hand, the weighted overall, evidence
/// that really occurs in the transcript, the report's language, and the trend.</summary>
public sealed class RulesScoringTests
{
    private static readonly DrillCoach Coach = new(new DrillTurnCapture(new NoSessionJournal()), new NoReportArchive(),
        Options.Create(new CoachingOptions()), NullLogger<DrillCoach>.Instance);

    private static ScenarioVariant Variant(string language, params ScriptObjection[] objections) => new()
    {
        Language = language,
        Title = "t",
        Persona = new Persona { Name = "p", Role = "r" },
        SystemPrompt = "s",
        OpeningLine = "o",
        Script = new ScriptRules { Objections = objections },
    };

    private static CoachingReport English() =>
        Coach.Report(new DrillTurns("en-US", ScriptedDrills.English(), [ScriptedDrills.PriceEn, ScriptedDrills.RiskEn]),
            DefaultRubric.For(Variant("en-US", ScriptedDrills.PriceEn, ScriptedDrills.RiskEn)));

    private static CoachingReport Chinese() =>
        Coach.Report(new DrillTurns("zh-CN", ScriptedDrills.Chinese(), [ScriptedDrills.PriceZh]), DefaultRubric.For(Variant("zh-CN", ScriptedDrills.PriceZh)));

    private static Dictionary<string, double?> Scores(CoachingReport report) => report.Criteria.ToDictionary(c => c.Id, c => c.Score);

    [Fact]
    public void TheEnglishDrillScoresEachDefaultCriterionByItsRule()
    {
        var report = English();

        Assert.Equal("rules", report.Method);
        Assert.Equal(new Dictionary<string, double?>
        {
            ["talk-ratio"] = 68,        // 64.7 % is 9.7 points above 55 %: 100 − 9.7 / 30 × 100
            ["questions"] = 80,         // 2 questions ≥ the target of 1 (60) + half of them open (20)
            ["fillers"] = 36,           // 7.4 per 100 words: 100 − 10 × 6.4
            ["pace"] = 100,             // 147 wpm is within 100–165
            ["monologue"] = 100,        // 12 s ≤ 60 s
            ["response-latency"] = 100, // median 2 s ≤ 3 s
            ["objections"] = 100,       // the one raised was handled
        }, Scores(report));
        Assert.Equal(84.7, report.Overall); // (2×68 + 2×80 + 36 + 100 + 100 + 100 + 3×100) / 11
        Assert.Equal("good", report.Rating);
        Assert.Equal(["fair", "good", "poor"], report.Criteria.Where(c => c.Id is "talk-ratio" or "questions" or "fillers").Select(c => c.Rating));
        Assert.StartsWith("Overall 85/100 (scored by rules, offline).", report.Summary);
    }

    [Fact]
    public void TheChineseDrillIsScoredAndWrittenInChinese()
    {
        var report = Chinese();

        Assert.Equal(100, Scores(report)["talk-ratio"]);
        Assert.Equal(100, Scores(report)["pace"]);      // 220 characters per minute is within 150–280
        Assert.Equal(49, Scores(report)["fillers"]);    // 6.1 per 100: 100 − 10 × 5.1
        Assert.Equal(80, Scores(report)["questions"]);
        Assert.Equal(100, Scores(report)["objections"]);
        Assert.Equal(91.7, report.Overall);             // (200 + 160 + 49 + 300 + 300) / 11
        Assert.Equal("zh-CN", report.Language);
        Assert.StartsWith("总分 92/100", report.Summary);
        Assert.Equal("异议处理", report.Criteria.Single(c => c.Id == "objections").Title);
        Assert.Contains("处理了 1 个异议中的 1 个", report.Criteria.Single(c => c.Id == "objections").Comment);
    }

    [Fact]
    public void EveryEvidenceQuoteOccursInTheTraineesTranscriptAtItsTurn()
    {
        foreach (var (report, turns) in new[] { (English(), ScriptedDrills.English()), (Chinese(), ScriptedDrills.Chinese()) })
        {
            var quoted = report.Criteria.Where(c => c.Evidence is not null).ToList();

            Assert.NotEmpty(quoted);
            Assert.All(quoted, c => Assert.Contains(c.Evidence!, turns.Single(t => t.Turn == c.EvidenceTurn).UserText, StringComparison.Ordinal));
        }

        Assert.Equal("Could we offer a multi-year discount?", English().Criteria.Single(c => c.Id == "objections").Evidence);
        Assert.Equal("What changed in your budget this year?", English().Criteria.Single(c => c.Id == "questions").Evidence);
    }

    [Fact]
    public void AKeywordsCriterionScoresTheShareOfItsPhrasesTheTraineeSaid()
    {
        var rubric = new[] { new RubricCriterion { Id = "value", Title = "Value", Measure = "keywords", Keywords = ["data migration", "go live", "case study"] } };

        var report = Coach.Report(new DrillTurns("en-US", ScriptedDrills.English(), []), rubric);

        var value = report.Criteria.Single();
        Assert.Equal(67, value.Score); // 2 of 3
        Assert.Contains("missed: case study", value.Comment);
        Assert.Equal(3, value.EvidenceTurn);
        Assert.Equal(67, report.Overall);
    }

    [Fact]
    public void ACriterionWithNothingToJudgeIsNotScoredAndCarriesNoWeight()
    {
        var turns = ScriptedDrills.English().Select(t => t with { SpeakingMs = null }).ToList();

        var report = Coach.Report(new DrillTurns("en-US", turns, []), DefaultRubric.For(Variant("en-US")));

        Assert.Null(report.Criteria.Single(c => c.Id == "pace").Score);
        Assert.Equal("n/a", report.Criteria.Single(c => c.Id == "talk-ratio").Rating);
        Assert.DoesNotContain(report.Criteria, c => c.Id == "objections"); // the default rubric has it only with objections
        // questions 80 (×2), fillers 36, latency: turn 1 answered 9.9 − 4 = 5.9 s … see the analytics; only scored ones count
        Assert.Equal(Math.Round(report.Criteria.Where(c => c.Score is not null).Sum(c => c.Weight * c.Score!.Value) / report.Criteria.Where(c => c.Score is not null).Sum(c => c.Weight), 1), report.Overall);
    }

    [Fact]
    public void TheTrendGivesTheChangeSinceTheLastReportPerCriterionAndOverall()
    {
        var now = English();
        var earlier = now with
        {
            Overall = 70.2,
            Criteria = [.. now.Criteria.Select(c => c.Id == "fillers" ? c with { Score = 50 } : c.Id == "pace" ? c with { Score = null } : c)],
        };
        var older = now with { Overall = 60, Criteria = [.. now.Criteria.Select(c => c.Id == "pace" ? c with { Score = 90 } : c)] };
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();

        var trend = TrendBuilder.Build(now.Overall, now.Criteria,
            [new StoredReport(second, ScriptedDrills.T0.AddDays(-1), ReportScores.Of(earlier)), new StoredReport(first, ScriptedDrills.T0.AddDays(-2), ReportScores.Of(older))])!;

        Assert.Equal(2, trend.PreviousSessions);
        Assert.Equal(70.2, trend.PreviousOverall);
        Assert.Equal(14.5, trend.OverallChange); // 84.7 − 70.2
        Assert.Equal(new CriterionTrend("fillers", 50, -14), trend.Criteria.Single(c => c.Id == "fillers"));
        Assert.Equal(new CriterionTrend("pace", 90, 10), trend.Criteria.Single(c => c.Id == "pace")); // the last session that scored it
        Assert.Equal([second, first], trend.Sessions.Select(s => s.SessionId));
        Assert.Null(TrendBuilder.Build(now.Overall, now.Criteria, []));
    }
}
