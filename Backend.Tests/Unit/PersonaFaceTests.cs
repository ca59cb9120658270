using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Unit;

public sealed class PersonaFaceTests
{
    [Fact]
    public void AFaceIsReadFromTheScenarioFile()
    {
        var face = Load("""{ "skin": "#e0ac85", "hair": "#8c8c8c", "hairStyle": "short", "beard": true }""", out var errors);

        Assert.Empty(errors);
        Assert.Equal(new PersonaFace { Skin = "#e0ac85", Hair = "#8c8c8c", HairStyle = "short", Beard = true }, face);
    }

    [Fact]
    public void AFaceWithAColourOrHairStyleThePageCannotDrawIsRefusedWithItsPath()
    {
        Load("""{ "skin": "peach", "hairStyle": "mohawk" }""", out var errors);
        Load("""{ "eyes": "#000000" }""", out var unknown);

        Assert.Contains(errors, e => e.Contains("variants.en-US.persona.face.skin must be a colour such as #a0522d (was 'peach')", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("variants.en-US.persona.face.hairStyle must be one of short, long, bun, bald (was 'mohawk')", StringComparison.Ordinal));
        Assert.Contains(unknown, e => e.Contains("eyes", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryShippedPersonaHasADifferentFace()
    {
        string[] ids = ["procurement-price", "it-director-cloud", "history-storyteller", "history-detective", "history-time-traveller"];

        var faces = ids.Select(id => ScriptedEngineTests.Load(id).Variants["en-US"].Persona.Face).ToList();

        Assert.All(faces, Assert.NotNull);
        Assert.Equal(faces.Count, faces.Distinct().Count());
    }

    private static PersonaFace? Load(string face, out List<string> errors)
    {
        var file = Path.Combine(Path.GetTempPath(), "roleplayhub-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $$"""
            { "id": "face", "defaultLanguage": "en-US", "variants": { "en-US": {
                "title": "T", "persona": { "name": "N", "role": "R", "face": {{face}} }, "systemPrompt": "S", "openingLine": "O" } } }
            """);
        errors = [];
        return ScenarioCatalog.LoadFile(file, errors, ScriptedEngineTests.VoiceProviders)?.Variants["en-US"].Persona.Face;
    }
}
