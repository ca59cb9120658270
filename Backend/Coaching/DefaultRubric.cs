using RoleplayHub.Scenarios;

namespace RoleplayHub.Coaching;

/// <summary>The rubric of a scenario variant that names none: listening, discovery questions, fillers, pace, concise
/// answers, responsiveness and — where the script has objections — handling them, which weighs most.</summary>
public static class DefaultRubric
{
    public static IReadOnlyList<RubricCriterion> For(ScenarioVariant variant)
    {
        if (variant.Rubric.Count > 0)
        {
            return variant.Rubric;
        }

        var texts = ReportTexts.For(variant.Language);
        List<(string Measure, double Weight)> criteria =
        [
            ("talk-ratio", 2), ("questions", 2), ("fillers", 1), ("pace", 1), ("monologue", 1), ("response-latency", 1),
        ];
        if (variant.Script is { Objections.Count: > 0 })
        {
            criteria.Add(("objections", 3));
        }

        return [.. criteria.Select(c => new RubricCriterion { Id = c.Measure, Title = texts.DefaultTitle(c.Measure), Measure = c.Measure, Weight = c.Weight })];
    }
}
