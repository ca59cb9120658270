namespace RoleplayHub.Scenarios;

/// <summary>A drill as <c>GET /api/scenarios</c> describes it, per language.</summary>
public sealed record ScenarioSummary(string Id, string Kind, int MaxTurns, string DefaultLanguage, IReadOnlyList<ScenarioVariantSummary> Variants)
{
    public static ScenarioSummary From(Scenario s) => new(
        s.Id,
        s.Kind,
        s.MaxTurns,
        s.DefaultLanguage,
        s.Variants.Values.OrderBy(v => v.Language, StringComparer.Ordinal)
            .Select(v => new ScenarioVariantSummary(v.Language, v.Title, v.Description, v.Persona.Name, v.Persona.Role, v.Persona.Description, v.OpeningLine))
            .ToList());
}

public sealed record ScenarioVariantSummary(string Language, string Title, string Description, string PersonaName, string PersonaRole, string PersonaDescription, string OpeningLine);
