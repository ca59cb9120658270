using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace RoleplayHub.History;

/// <summary>The query string of the statistics endpoint.</summary>
public sealed class StatsParameters
{
    [Description("Start of the range (ISO 8601, UTC); default 30 days before 'to'.")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("End of the range, exclusive (ISO 8601, UTC); default now.")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [Description("Only sessions of this scenario.")]
    [FromQuery(Name = "scenarioId")]
    public string? ScenarioId { get; init; }

    [Description("Only sessions of this user.")]
    [FromQuery(Name = "userId")]
    public string? UserId { get; init; }

    internal (DateTime From, DateTime To)? Validate(DateTime now, HistoryOptions options, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var to = SessionListParameters.ParseTime(errors, "to", To) ?? now;
        var from = SessionListParameters.ParseTime(errors, "from", From) ?? to.AddDays(-30);
        if (errors.Count == 0 && from >= to)
        {
            errors["to"] = ["to must be later than from."];
        }
        else if (errors.Count == 0 && to - from > options.MaxStatsRange)
        {
            errors["from"] = [$"The range may span at most {options.MaxStatsRange.TotalDays:0} days."];
        }

        return errors.Count == 0 ? (from, to) : null;
    }
}
