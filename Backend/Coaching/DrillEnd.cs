using RoleplayHub.Scenarios;

namespace RoleplayHub.Coaching;

/// <summary>A drill that has ended, as the session layer describes it to the coach.</summary>
public sealed record DrillEnd(Guid HistoryKey, string UserId, Scenario Scenario, ScenarioVariant Variant, DateTimeOffset StartedAt);
