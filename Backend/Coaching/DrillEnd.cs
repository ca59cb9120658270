using RoleplayHub.Scenarios;

namespace RoleplayHub.Coaching;

/// <summary>A drill that has ended, as the session layer describes it to the coach. <paramref name="Hurry"/>: the
/// server is shutting down, so the report is scored by the rules alone (no wait for a language model).</summary>
public sealed record DrillEnd(Guid HistoryKey, string UserId, Scenario Scenario, ScenarioVariant Variant, DateTimeOffset StartedAt, bool Hurry = false);
