using System.Text.Json;
using RoleplayHub.Core;

namespace RoleplayHub.History;

/// <summary>The <c>sessions.report</c> column: the report as camelCase JSON, exactly as the API serves it.</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions Options = HistoryJson.WebOptions();

    public static string Serialize(CoachingReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Null for null; a report that no longer reads (written by a different version) is null too, not an
    /// error: the session is still served.</summary>
    public static CoachingReport? Deserialize(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CoachingReport>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Only the scores of a stored report (the rest is skipped unread); null as for <see cref="Deserialize"/>.</summary>
    public static ReportScores? DeserializeScores(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ReportScores>(json, Options) is { Criteria: not null } scores ? scores : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
