using System.Text.Json;
using RoleplayHub.Core;

namespace RoleplayHub.History;

/// <summary>The <c>sessions.report</c> column: the report as camelCase JSON, exactly as the API serves it.</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions Options = HistoryJson.Web;

    public static string Serialize(CoachingReport report) => JsonSerializer.Serialize(report, HistoryJson.Default.CoachingReport);

    /// <summary>The <c>sessions.report_scores</c> column: the report's scores alone, in the report's own shape for
    /// them, so <see cref="DeserializeScores"/> reads either column.</summary>
    public static string SerializeScores(CoachingReport report) => JsonSerializer.Serialize(ReportScores.Of(report), HistoryJson.Default.ReportScores);

    /// <summary>Null for null; a report that no longer reads (written by a different version) is null too, not an
    /// error: the session is still served.</summary>
    public static CoachingReport? Deserialize(string? json) => Read<CoachingReport>(json);

    /// <summary>Only the scores of a stored report (the rest is skipped unread); null as for <see cref="Deserialize"/>.</summary>
    public static ReportScores? DeserializeScores(string? json) => Read<ReportScores>(json) is { Criteria: not null } scores ? scores : null;

    private static T? Read<T>(string? json)
        where T : class
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
