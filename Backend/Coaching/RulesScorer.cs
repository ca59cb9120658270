using RoleplayHub.Core;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Coaching;

/// <summary>
/// The offline scoring: each criterion's measure turned into 0–100 by a fixed rule over the analytics (and, for
/// <c>keywords</c>, the scenario's phrases), with a sentence the trainee said as evidence where the measure has one.
/// docs/coaching.md gives every rule.
/// </summary>
public sealed class RulesScorer(CoachingOptions options)
{
    public const string Method = "rules";

    public CriterionScore Score(RubricCriterion criterion, DrillTurns drill, DrillAnalytics a)
    {
        var texts = ReportTexts.For(drill.Language);
        var (score, comment, evidence) = criterion.Measure switch
        {
            "talk-ratio" => TalkRatio(a, texts),
            "pace" => Pace(a, drill.Language, texts),
            "fillers" => Fillers(a, drill, texts),
            "questions" => Questions(a, drill, texts),
            "monologue" => Monologue(a, texts),
            "response-latency" => Latency(a, texts),
            "objections" => Objections(a, drill, texts),
            _ => Keywords(criterion, drill, texts),
        };
        var rounded = score is { } s ? Math.Round(Math.Clamp(s, 0, 100), MidpointRounding.AwayFromZero) : (double?)null;
        return new CriterionScore(criterion.Id, criterion.Title, criterion.Weight, rounded, Ratings.Of(rounded), comment ?? texts.NotMeasurable,
            evidence?.Item2, evidence?.Item1);
    }

    private (double?, string?, (int Turn, string Sentence)?) TalkRatio(DrillAnalytics a, ReportTexts texts)
    {
        if (a.TalkRatio is not { } r)
        {
            return (null, null, null);
        }

        var outside = r < options.TalkRatioMin ? options.TalkRatioMin - r : r > options.TalkRatioMax ? r - options.TalkRatioMax : 0;
        return (100 - (outside / 0.30 * 100), texts.TalkRatio(r, options.TalkRatioMin, options.TalkRatioMax), null);
    }

    private (double?, string?, (int, string)?) Pace(DrillAnalytics a, string language, ReportTexts texts)
    {
        if (a.WordsPerMinute is not { } pace)
        {
            return (null, null, null);
        }

        var (min, max) = Units.IsChinese(language) ? (options.PaceMinCpm, options.PaceMaxCpm) : (options.PaceMinWpm, options.PaceMaxWpm);
        var deviation = pace < min ? (min - pace) / min : pace > max ? (pace - max) / max : 0;
        return (100 - (200 * deviation), texts.Pace(pace, min, max), null);
    }

    private static (double?, string?, (int, string)?) Fillers(DrillAnalytics a, DrillTurns drill, ReportTexts texts)
    {
        if (a.FillersPer100Words is not { } per100)
        {
            return (null, null, null);
        }

        // The sentence with the most fillers in it, to show what they sound like.
        var counter = new FillerCounter(a.Fillers.Select(f => f.Filler).Where(f => !Units.HasCjk(f)), a.Fillers.Select(f => f.Filler).Where(Units.HasCjk));
        var worst = drill.TraineeSentences.Select(s => (s, n: counter.Count(drill.Prepared(s.Sentence)).Sum(f => f.Count))).Where(x => x.n > 0)
            .OrderByDescending(x => x.n).Select(x => ((int, string)?)x.s).FirstOrDefault();
        return (100 - (10 * (per100 - 1)), texts.Fillers(a.FillerWords, per100, a.Fillers.FirstOrDefault()?.Filler), worst);
    }

    private static (double?, string?, (int, string)?) Questions(DrillAnalytics a, DrillTurns drill, ReportTexts texts)
    {
        if (a.TraineeTurns == 0)
        {
            return (null, null, null);
        }

        var target = Math.Max(1, (int)Math.Ceiling(a.TraineeTurns / 4.0));
        var score = (60.0 * Math.Min(1, (double)a.Questions / target)) + (a.Questions == 0 ? 0 : 40.0 * a.OpenQuestions / a.Questions);
        // The first open question, else the first closed one (OrderBy is stable: earliest first).
        var example = drill.TraineeSentences.Select(s => (s, kind: QuestionClassifier.Classify(s.Sentence, drill.Prepared(s.Sentence)))).Where(x => x.kind != QuestionKind.None)
            .OrderBy(x => x.kind == QuestionKind.Open ? 0 : 1).Select(x => ((int, string)?)x.s).FirstOrDefault();
        return (score, texts.Questions(a.Questions, a.OpenQuestions, a.ClosedQuestions), example);
    }

    private (double?, string?, (int, string)?) Monologue(DrillAnalytics a, ReportTexts texts)
    {
        if (a.LongestMonologue is not { } m)
        {
            return (null, null, null);
        }

        var target = options.MonologueTarget.TotalMilliseconds;
        return (m.DurationMs <= target ? 100 : 100 * ((2 * target) - m.DurationMs) / target, texts.Monologue(m.DurationMs, m.Turn), null);
    }

    private (double?, string?, (int, string)?) Latency(DrillAnalytics a, ReportTexts texts)
    {
        if (a.MedianResponseLatencyMs is not { } median)
        {
            return (null, null, null);
        }

        var target = options.ResponseLatencyTarget.TotalMilliseconds;
        return (median <= target ? 100 : 100 * ((4 * target) - median) / (3 * target), texts.Latency(median), null);
    }

    private static (double?, string?, (int, string)?) Objections(DrillAnalytics a, DrillTurns drill, ReportTexts texts)
    {
        var considered = a.Objections.Where(o => o.Raised || o.Handled).ToList();
        if (considered.Count == 0)
        {
            return (null, null, null);
        }

        var handled = considered.Where(o => o.Handled).ToList();
        var evidence = handled.Select(o => SentenceSaying(drill, o.HandledTurn!.Value, o.HandledBy!)).FirstOrDefault(s => s is not null);
        return (100.0 * handled.Count / considered.Count, texts.Objections(handled.Count, considered.Count, considered.Where(o => !o.Handled).Select(o => o.Id)), evidence);
    }

    private static (double?, string?, (int, string)?) Keywords(RubricCriterion criterion, DrillTurns drill, ReportTexts texts)
    {
        var said = criterion.Keywords.Where(k => drill.Trainee.Any(t => DrillAnalyzer.Says(drill, t.UserText, k))).ToList();
        var evidence = said.Select(k => drill.Trainee.Where(t => DrillAnalyzer.Says(drill, t.UserText, k)).Select(t => SentenceSaying(drill, t.Turn, k)).FirstOrDefault())
            .FirstOrDefault(s => s is not null);
        return (100.0 * said.Count / criterion.Keywords.Count, texts.Keywords(said.Count, criterion.Keywords.Count, criterion.Keywords.Except(said)), evidence);
    }

    /// <summary>The first sentence of that turn that says the phrase (the whole turn's first sentence if the phrase
    /// spans two).</summary>
    private static (int, string)? SentenceSaying(DrillTurns drill, int turn, string phrase)
    {
        var sentences = drill.TraineeSentences.Where(s => s.Turn == turn).ToList();
        var hit = sentences.FirstOrDefault(s => DrillAnalyzer.Says(drill, s.Sentence, phrase));
        return hit.Sentence is not null ? hit : sentences.Count > 0 ? sentences[0] : null;
    }
}
