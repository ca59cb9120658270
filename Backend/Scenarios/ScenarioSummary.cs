namespace RoleplayHub.Scenarios;

/// <summary>A drill as <c>GET /api/scenarios</c> describes it, per language, with whether this server can run each
/// language now.</summary>
public sealed record ScenarioSummary(string Id, string Kind, int MaxTurns, string DefaultLanguage, IReadOnlyList<ScenarioVariantSummary> Variants)
{
    public static ScenarioSummary From(Scenario s, ILanguageSupport languages) => new(
        s.Id,
        s.Kind,
        s.MaxTurns,
        s.DefaultLanguage,
        s.Variants.Values.OrderBy(v => v.Language, StringComparer.Ordinal)
            .Select(v => ScenarioVariantSummary.From(v, languages.Check(s.Id, v.Language)))
            .ToList());
}

/// <summary>One language of a drill. <c>Available</c> is true when a session in it would start on this server now;
/// otherwise <c>UnavailableReason</c> says why, naming the provider to configure. <c>Face</c> is how the page draws
/// the persona.</summary>
public sealed record ScenarioVariantSummary(
    string Language,
    string Title,
    string Description,
    string PersonaName,
    string PersonaRole,
    string PersonaDescription,
    string OpeningLine,
    bool Available,
    string? UnavailableReason,
    PersonaFace? Face)
{
    public static ScenarioVariantSummary From(ScenarioVariant v, LanguageSupport support) => new(
        v.Language, v.Title, v.Description, v.Persona.Name, v.Persona.Role, v.Persona.Description, v.OpeningLine, support.CanRun, support.Reason, v.Persona.Face);
}
