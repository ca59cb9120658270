using RoleplayHub.Core;
using RoleplayHub.History;

namespace RoleplayHub.Coaching;

/// <summary>
/// The trend of a new report against the same trainee's earlier reports of the scenario (newest first): the change
/// of the overall score and of each criterion since the last session that scored it, and the earlier overall
/// scores to draw. Null when there is no earlier report.
/// </summary>
public static class TrendBuilder
{
    public static ReportTrend? Build(double? overall, IReadOnlyList<CriterionScore> criteria, IReadOnlyList<StoredReport> previous)
    {
        if (previous.Count == 0)
        {
            return null;
        }

        var last = previous[0].Report.Overall;
        var changes = criteria.Select(c =>
        {
            var before = previous.Select(p => p.Report.Criteria.FirstOrDefault(x => x.Id == c.Id)?.Score).FirstOrDefault(s => s is not null);
            return new CriterionTrend(c.Id, before, Change(c.Score, before));
        }).ToList();
        return new ReportTrend(previous.Count, last, Change(overall, last), changes,
            [.. previous.Select(p => new TrendPoint(p.SessionId, p.StartedAt, p.Report.Overall))]);
    }

    private static double? Change(double? now, double? before) => now is { } n && before is { } b ? Math.Round(n - b, 1) : null;
}
