namespace RoleplayHub.Scenarios;

/// <summary>Where scenarios come from. Bound from the <c>Scenarios</c> section.</summary>
public sealed class ScenarioOptions
{
    public const string Section = "Scenarios";

    /// <summary>The catalog shipped with the service (relative to the content root).</summary>
    public string BuiltInDirectory { get; set; } = "Scenarios/Catalog";

    /// <summary>An admin-managed folder of extra scenario files (relative to the data directory); read at start-up
    /// and reloaded when a file changes. A file here with the id of a built-in scenario replaces it.</summary>
    public string Directory { get; set; } = "scenarios";

    /// <summary>Watch <see cref="Directory"/> and reload on change.</summary>
    public bool Watch { get; set; } = true;
}
