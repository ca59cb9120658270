using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Providers.Ai;

namespace RoleplayHub.Coaching;

/// <summary>
/// Writes the coaching report of a drill as it ends: the analytics of its turns, a score per criterion of the
/// variant's rubric — by the configured language model with quoted evidence, else (or when it fails) by the offline
/// rules — their weighted overall, and the trend against the trainee's earlier reports of the scenario. The session
/// layer calls it before <c>session-ended</c> and stores the result with the session.
/// </summary>
public sealed partial class DrillCoach(
    DrillTurnCapture capture,
    IReportArchive archive,
    IOptions<CoachingOptions> options,
    ILogger<DrillCoach> logger,
    CoachingModel? model = null)
{
    private readonly CoachingOptions _options = options.Value;
    private readonly DrillAnalyzer _analyzer = new(new FillerCounter(options.Value.EnglishFillers, options.Value.ChineseFillers));

    /// <summary>The report, or null when coaching is off or the report could not be made (logged; the session still
    /// ends normally). Never throws but for the caller's cancellation: the session's end must not depend on it.</summary>
    public async Task<CoachingReport?> ReportAsync(DrillEnd drill, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        CoachingReport report;
        var turns = new DrillTurns(drill.Variant.Language, capture.Turns(drill.HistoryKey), drill.Variant.Script?.Objections ?? []);
        var rubric = DefaultRubric.For(drill.Variant);
        try
        {
            report = Report(turns, rubric);
        }
        catch (Exception ex)
        {
            LogFailed(ex, drill.HistoryKey);
            return null;
        }

        report = await ScoreWithModelAsync(report, turns, rubric, drill, cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TrendTimeout);
        try
        {
            var previous = await archive.PreviousAsync(drill.UserId, drill.Scenario.Id, drill.StartedAt, _options.TrendSessions, timeout.Token);
            return report with { Trend = TrendBuilder.Build(report.Overall, report.Criteria, previous) };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogNoTrend(ex, drill.HistoryKey);
            return report; // the history is unavailable: the report stands without its trend
        }
    }

    /// <summary>The model's scores in place of the rules', within <c>Coaching:LlmTimeout</c>; the rules' report when
    /// there is no model, the drill gave it nothing to judge, or it fails.</summary>
    private async Task<CoachingReport> ScoreWithModelAsync(CoachingReport report, DrillTurns turns, IReadOnlyList<Scenarios.RubricCriterion> rubric, DrillEnd drill, CancellationToken cancellationToken)
    {
        ITextCompletion? llm;
        try
        {
            llm = model?.Model;
        }
        catch (Exception ex)
        {
            // The AI could not be created (misconfigured): the sessions say so; the report falls back to the rules.
            LogModelFailed(ex, drill.HistoryKey);
            llm = null;
        }

        if (llm is null || drill.Hurry || report.Analytics.TraineeTurns == 0)
        {
            return report;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.LlmTimeout);
        try
        {
            return await new LlmRubricScorer(llm, _options).ScoreAsync(report, turns, rubric, drill.Variant.Title, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogModelFailed(ex, drill.HistoryKey);
            return report;
        }
    }

    /// <summary>The report of these turns by the rules (no trend).</summary>
    public CoachingReport Report(DrillTurns drill, IReadOnlyList<Scenarios.RubricCriterion> rubric)
    {
        var analytics = _analyzer.Analyze(drill);
        var scorer = new RulesScorer(_options);
        var criteria = rubric.Select(c => scorer.Score(c, drill, analytics)).ToList();
        var scored = criteria.Where(c => c.Score is not null).ToList();
        double? overall = scored.Count == 0
            ? null
            : Math.Round(scored.Sum(c => c.Weight * c.Score!.Value) / scored.Sum(c => c.Weight), 1, MidpointRounding.AwayFromZero);
        var best = scored.OrderByDescending(c => c.Score).ThenByDescending(c => c.Weight).FirstOrDefault(c => c.Score >= 75);
        var worst = scored.OrderBy(c => c.Score).ThenByDescending(c => c.Weight).FirstOrDefault(c => c.Score < 75);
        return new CoachingReport
        {
            Language = drill.Language,
            Method = RulesScorer.Method,
            Overall = overall,
            Rating = overall is null ? null : Ratings.Of(overall),
            Summary = ReportTexts.For(drill.Language).Summary(overall, RulesScorer.Method, best?.Title, worst?.Title),
            Analytics = analytics,
            Criteria = criteria,
        };
    }

    [LoggerMessage(LogLevel.Error, "The coaching report of session {HistoryKey} could not be made")]
    private partial void LogFailed(Exception ex, Guid historyKey);

    [LoggerMessage(LogLevel.Warning, "The language model did not score session {HistoryKey}: its report is scored by the rules")]
    private partial void LogModelFailed(Exception ex, Guid historyKey);

    [LoggerMessage(LogLevel.Warning, "The coaching report of session {HistoryKey} has no trend: the earlier reports could not be read")]
    private partial void LogNoTrend(Exception ex, Guid historyKey);
}
