using RoleplayHub.Coaching;
using RoleplayHub.Scenarios;

namespace RoleplayHub.Tests.Coaching;

/// <summary>A scenario's rubric is checked with the rest of the file; bad coaching settings stop the start-up.</summary>
public sealed class RubricValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rubric-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private List<string> Load(string rubric)
    {
        var file = Path.Combine(_folder, "drill.json");
        File.WriteAllText(file, $$"""
            { "id": "drill", "defaultLanguage": "en-US", "variants": { "en-US": {
                "title": "T", "persona": { "name": "P", "role": "R" }, "systemPrompt": "S", "openingLine": "O",
                "rubric": {{rubric}} } } }
            """);
        List<string> errors = [];
        ScenarioCatalog.LoadFile(file, errors, ["espeak"]);
        return errors;
    }

    [Fact]
    public void AValidRubricLoadsWithItsWeightsAndKeywords()
    {
        var errors = Load("""[ { "id": "value", "title": "Value", "weight": 2.5, "measure": "keywords", "keywords": ["roi"] }, { "id": "q", "title": "Q", "measure": "questions" } ]""");

        Assert.Empty(errors);
    }

    [Fact]
    public void EveryRubricProblemIsNamed()
    {
        var errors = Load("""
            [ { "id": "Bad Id", "title": "", "weight": 0, "measure": "charm" },
              { "id": "k", "title": "K", "measure": "keywords" },
              { "id": "o", "title": "O", "measure": "objections" },
              { "id": "o", "title": "O2", "measure": "pace" } ]
            """);

        Assert.Contains(errors, e => e.Contains("criterion 'Bad Id': the id must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("criterion 'Bad Id' needs a title", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("weight must be above 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("measure 'charm' is not one of talk-ratio, pace", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("criterion 'k': the keywords measure needs", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("criterion 'o': the objections measure needs objections", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("uses the criterion id 'o' more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownRubricFieldIsAnError()
    {
        Assert.NotEmpty(Load("""[ { "id": "q", "title": "Q", "measure": "questions", "wieght": 2 } ]"""));
    }

    [Fact]
    public void CoachingOptionsAreValidatedAllAtOnce()
    {
        var options = new CoachingOptions
        {
            FillersEn = ["um", " ", "嗯"],
            TalkRatioMin = 0.6,
            TalkRatioMax = 0.5,
            MonologueTarget = TimeSpan.Zero,
            TrendSessions = 0,
        };

        var result = new ValidateCoachingOptions().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Coaching:TalkRatioMin and Coaching:TalkRatioMax", StringComparison.Ordinal));
        Assert.True(new ValidateCoachingOptions().Validate(null, new CoachingOptions()).Succeeded);
    }
}
