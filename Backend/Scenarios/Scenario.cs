using System.Text.Json.Serialization;

namespace RoleplayHub.Scenarios;

/// <summary>A roleplay drill: who the AI plays, how long the drill lasts, and its per-language variants.</summary>
public sealed record Scenario
{
    public required string Id { get; init; }

    /// <summary>Free-form family, e.g. <c>sales</c> or <c>history</c>.</summary>
    public string Kind { get; init; } = "roleplay";

    /// <summary>User turns (AI replies) after which the session ends with <c>max-turns</c>.</summary>
    public int MaxTurns { get; init; } = 10;

    public required string DefaultLanguage { get; init; }

    /// <summary>Variants keyed by BCP-47 language tag (case-insensitive).</summary>
    public required IReadOnlyDictionary<string, ScenarioVariant> Variants { get; init; }

    /// <summary>The file it was loaded from (for error messages and the catalog listing).</summary>
    public string Source { get; init; } = "";

    public ScenarioVariant? FindVariant(string language) =>
        Variants.TryGetValue(language, out var variant) ? variant : null;
}

/// <summary>The scenario in one language: the persona, the prompts and the scripted engine's rules.</summary>
public sealed record ScenarioVariant
{
    /// <summary>Filled from the variant's key in the scenario file.</summary>
    public string Language { get; init; } = "";

    public required string Title { get; init; }

    public string Description { get; init; } = "";

    public required Persona Persona { get; init; }

    /// <summary>System prompt for LLM providers.</summary>
    public required string SystemPrompt { get; init; }

    /// <summary>What the persona says when the session starts (turn 0).</summary>
    public required string OpeningLine { get; init; }

    /// <summary>What the persona says on the last turn, before the session ends with <c>max-turns</c>.</summary>
    public string? ClosingLine { get; init; }

    /// <summary>Optional speech-recognition hints: phrases the trainee is likely to say.</summary>
    public IReadOnlyList<string> Phrases { get; init; } = [];

    /// <summary>Optional JSGF grammar (file name next to the scenario, or inline text) for command-style drills.</summary>
    public string? Grammar { get; init; }

    /// <summary>Dialogue rules for the offline scripted engine.</summary>
    public ScriptRules? Script { get; init; }

    /// <summary>The coaching rubric: criteria with weights; empty = the default rubric.</summary>
    public IReadOnlyList<RubricCriterion> Rubric { get; init; } = [];
}

public sealed record Persona
{
    public required string Name { get; init; }

    public required string Role { get; init; }

    public string Description { get; init; } = "";

    public PersonaVoice Voice { get; init; } = new();

    /// <summary>How the page draws the persona; null draws the default face.</summary>
    public PersonaFace? Face { get; init; }
}

/// <summary>
/// How the persona sounds: a voice per avatar-speech provider, keyed by the provider's name, and settings the
/// providers share. Each provider reads its own voice (<see cref="For"/>), so a new provider needs no change here.
/// In a scenario file it is one object: <c>{ "gender": "female", "espeak": "en-us+f3", "aliyun": "aixia", "rate": 170 }</c>.
/// </summary>
[JsonConverter(typeof(PersonaVoiceJsonConverter))]
public sealed record PersonaVoice
{
    /// <summary><c>female</c> or <c>male</c>.</summary>
    public string Gender { get; init; } = "female";

    /// <summary>The voice for each provider by its name (case-insensitive), e.g. espeak-ng's <c>en-us+f3</c> or
    /// <c>cmn-latn-pinyin+m3</c>, Aliyun NLS's <c>xiaoyun</c> or <c>aixia</c>.</summary>
    public IReadOnlyDictionary<string, string> ByProvider { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Speaking rate in words per minute (espeak) – 175 is normal.</summary>
    public int? Rate { get; init; }

    /// <summary>Base pitch 0–100 (espeak) – 50 is normal.</summary>
    public int? Pitch { get; init; }

    /// <summary>The persona's voice for <paramref name="provider"/>, or null when it names none.</summary>
    public string? For(string provider) => ByProvider.GetValueOrDefault(provider);

    /// <summary>The voice <c>session-started</c> reports: the persona's voice for the first of
    /// <paramref name="providers"/> it names one for (<see cref="ScenarioCatalog.VoiceProviders"/>), otherwise its gender.</summary>
    public string Describe(IEnumerable<string> providers) => providers.Select(For).FirstOrDefault(v => v is not null) ?? Gender;
}
