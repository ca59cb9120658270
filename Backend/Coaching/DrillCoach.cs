using Microsoft.Extensions.Options;
using RoleplayHub.Core;
using RoleplayHub.History;

namespace RoleplayHub.Coaching;

/// <summary>
/// Writes the coaching report of a drill as it ends: the analytics of its turns, a score per criterion of the
/// variant's rubric (offline rules), their weighted overall, and the trend against the trainee's earlier reports of
/// the scenario. The session layer calls it before <c>session-ended</c> and stores the result with the session.
/// </summary>
public sealed partial class DrillCoach(
    DrillTurnCapture capture,
    IReportArchive archive,
    IOptions<CoachingOptions> options,
    ILogger<DrillCoach> logger)
{
    private readonly CoachingOptions _options = options.Value;
    private readonly DrillAnalyzer _analyzer = new(new FillerCounter(options.Value.FillersEn, options.Value.FillersZh));

    /// <summary>The report, or null when coaching is off or the report could not be made (logged; the session still
    /// ends normally).</summary>
    public async Task<CoachingReport?> ReportAsync(DrillEnd drill, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        CoachingReport report;
        try
        {
            report = Report(new DrillTurns(drill.Variant.Language, capture.Turns(drill.HistoryKey), drill.Variant.Script?.Objections ?? []),
                DefaultRubric.For(drill.Variant));
        }
        catch (Exception ex)
        {
            LogFailed(ex, drill.HistoryKey);
            return null;
        }

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

    [LoggerMessage(LogLevel.Warning, "The coaching report of session {HistoryKey} has no trend: the earlier reports could not be read")]
    private partial void LogNoTrend(Exception ex, Guid historyKey);
}
