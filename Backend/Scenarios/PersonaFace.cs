namespace RoleplayHub.Scenarios;

/// <summary>
/// How the page draws the persona, so each drill has its own face: colours are <c>#rrggbb</c>, the hair one of
/// <see cref="HairStyles"/>. Every field is optional; the page draws its default for what is missing. Read only by the
/// page (through <c>GET /api/scenarios</c>); voices and scripts do not depend on it.
/// </summary>
public sealed record PersonaFace
{
    public static readonly IReadOnlyList<string> HairStyles = ["short", "long", "bun", "bald"];

    public string? Skin { get; init; }

    public string? Hair { get; init; }

    public string? HairStyle { get; init; }

    public bool Glasses { get; init; }

    public bool Beard { get; init; }

    /// <summary>The background behind the face.</summary>
    public string? Backdrop { get; init; }
}
