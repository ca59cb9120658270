using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using RoleplayHub.Database.Entities;
using RoleplayHub.Http;

namespace RoleplayHub.History;

/// <summary>
/// The query string of the session lists. Values arrive as text and are checked here, so a bad one gets a 400
/// problem naming the parameter and what it accepts, instead of a bare 400.
/// </summary>
public sealed class SessionListParameters
{
    [Description("Only sessions of this scenario.")]
    [FromQuery(Name = "scenarioId")]
    public string? ScenarioId { get; init; }

    [Description("Only sessions with this hub sessionId (hub ids are only unique among open sessions).")]
    [FromQuery(Name = "sessionId")]
    public string? SessionId { get; init; }

    [Description("active or ended.")]
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [Description("Sessions started at or after this time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z).")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("Sessions started before this time (ISO 8601).")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [Description("Text the user said or the persona replied (case-insensitive substring, at most 200 characters).")]
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [Description("Page size (default 50, at most History:MaxPageSize, 200 by default).")]
    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    [Description("nextCursor of the previous page.")]
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    internal SessionFilter? Validate(string? userId, HistoryOptions options, out Dictionary<string, string[]> errors)
    {
        errors = [];
        SessionStatus? status = Status switch
        {
            null or "" => null,
            "active" => SessionStatus.Active,
            "ended" => SessionStatus.Ended,
            _ => Error(errors, "status", $"'{ProblemText.Quote(Status)}' is not a status; use active or ended.", default(SessionStatus?)),
        };

        var from = ParseTime(errors, "from", From);
        var to = ParseTime(errors, "to", To);
        if (from is not null && to is not null && from >= to)
        {
            errors["to"] = ["to must be later than from."];
        }

        var limit = options.DefaultPageSize;
        if (!string.IsNullOrEmpty(Limit) && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > options.MaxPageSize))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {options.MaxPageSize}."];
        }

        var text = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        if (text is { Length: > 200 })
        {
            errors["q"] = ["q may be at most 200 characters."];
        }

        PageCursor? cursor = null;
        if (!string.IsNullOrEmpty(Cursor))
        {
            if (PageCursor.TryDecode(Cursor, out var decoded))
            {
                cursor = decoded;
            }
            else
            {
                errors["cursor"] = ["cursor is not a nextCursor this API returned; start again without it."];
            }
        }

        return errors.Count > 0
            ? null
            : new SessionFilter(userId, Blank(ScenarioId), Blank(SessionId), status, from, to, text, limit, cursor);
    }

    /// <summary>Earliest time a query may name: no session is older than the Unix epoch.</summary>
    internal static readonly DateTime EarliestTime = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Latest time a query may name: far enough from DateTime.MaxValue that a default range (30 days before
    /// 'to') and a day-by-day walk to 'to' cannot overflow.</summary>
    internal static readonly DateTime LatestTime = new(9999, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>ISO 8601 in UTC (a time without an offset is taken as UTC), between <see cref="EarliestTime"/> and
    /// <see cref="LatestTime"/>.</summary>
    internal static DateTime? ParseTime(Dictionary<string, string[]> errors, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            errors[name] = [$"'{ProblemText.Quote(value)}' is not an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (write '+' in an offset as %2B)."];
            return null;
        }

        if (parsed.UtcDateTime < EarliestTime || parsed.UtcDateTime > LatestTime)
        {
            errors[name] = [$"{name} must be between {EarliestTime:yyyy-MM-dd} and {LatestTime:yyyy-MM-dd}."];
            return null;
        }

        return parsed.UtcDateTime;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static T Error<T>(Dictionary<string, string[]> errors, string name, string message, T fallback)
    {
        errors[name] = [message];
        return fallback;
    }
}

/// <summary>A checked session query; <see cref="UserId"/> is the owner for a trainee's own list.</summary>
internal sealed record SessionFilter(
    string? UserId,
    string? ScenarioId,
    string? SessionId,
    SessionStatus? Status,
    DateTime? From,
    DateTime? To,
    string? Text,
    int Limit,
    PageCursor? Cursor);
