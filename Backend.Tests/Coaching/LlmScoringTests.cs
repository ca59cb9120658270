using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoleplayHub.Coaching;
using RoleplayHub.Core;
using RoleplayHub.History;
using RoleplayHub.Providers.Ai.OpenAi;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;
using RoleplayHub.Tests.Integration;

namespace RoleplayHub.Tests.Coaching;

/// <summary>The rubric scored by a language model (a local OpenAI-compatible fake): its scores, comments and better
/// lines are taken, its quotes only when the trainee really said them.</summary>
public sealed class LlmScoringTests : IAsyncLifetime
{
    private FakeChatServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAiChatRoleplayAi Model() => new(Options.Create(new OpenAiChatOptions
    {
        BaseUrl = _server.BaseUrl,
        ApiKey = "sk-coach",
        Model = "coach-model",
        MaxRetries = 0,
        AttemptTimeout = TimeSpan.FromSeconds(5),
    }), TimeProvider.System, NullLogger<OpenAiChatRoleplayAi>.Instance);

    private static readonly ScriptObjection[] Objections = [ScriptedDrills.PriceEn, ScriptedDrills.RiskEn];

    private static (CoachingReport Rules, DrillTurns Drill, IReadOnlyList<RubricCriterion> Rubric) English()
    {
        var drill = new DrillTurns("en-US", ScriptedDrills.English(), Objections);
        var variant = new ScenarioVariant
        {
            Language = "en-US", Title = "t", Persona = new Persona { Name = "p", Role = "r" }, SystemPrompt = "s", OpeningLine = "o",
            Script = new ScriptRules { Objections = Objections },
        };
        var rubric = DefaultRubric.For(variant);
        var coach = new DrillCoach(new DrillTurnCapture(new NoSessionJournal()), new NoReportArchive(), Options.Create(new CoachingOptions()), NullLogger<DrillCoach>.Instance);
        return (coach.Report(drill, rubric), drill, rubric);
    }

    private static string Answer(params object[] criteria) =>
        "Here is the evaluation:\n```json\n" + JsonSerializer.Serialize(new { summary = "Good discovery; too many fillers.", criteria }) + "\n```";

    [Fact]
    public async Task TheModelsScoresReplaceTheRulesAndOnlyRealQuotesAreKept()
    {
        var (rules, drill, rubric) = English();
        var answer = Answer(
            new { id = "questions", score = 70, evidence = "what changed in your budget this year", turn = 1, comment = "One open question.", better = "What would success look like for you this year?" },
            new { id = "objections", score = 90, evidence = "\"Could we offer a multi-year discount?\"", turn = 3, comment = "Answered the price.", better = "A three-year term brings it under budget." },
            new { id = "fillers", score = 40, evidence = "We will definitely beat any competitor price", turn = 2, comment = "Many fillers.", better = "Pause instead of saying um." });
        _server.Reply(answer[..40], answer[40..]);
        using var model = Model();

        var report = await new LlmRubricScorer(model, new CoachingOptions()).ScoreAsync(rules, drill, rubric, "Price renewal", CancellationToken.None);

        var byId = report.Criteria.ToDictionary(c => c.Id);
        Assert.Equal("llm", report.Method);
        Assert.Equal((70d, "What changed in your budget this year", 1), (byId["questions"].Score!.Value, byId["questions"].Evidence, byId["questions"].EvidenceTurn!.Value));
        Assert.Equal(("Could we offer a multi-year discount?", 2), (byId["objections"].Evidence, byId["objections"].EvidenceTurn!.Value)); // the turn corrected
        Assert.Equal((40d, (string?)null, true), (byId["fillers"].Score!.Value, byId["fillers"].Evidence, byId["fillers"].EvidenceDropped)); // never said: dropped, flagged
        Assert.Equal("Pause instead of saying um.", byId["fillers"].Better);
        Assert.Equal(rules.Criteria.Single(c => c.Id == "talk-ratio"), byId["talk-ratio"]); // left out by the model: the rules' score
        Assert.Equal(80.5, report.Overall); // (2×68 + 2×70 + 40 + 100 + 100 + 100 + 3×90) / 11
        Assert.EndsWith("Good discovery; too many fillers.", report.Summary);
        Assert.All(report.Criteria.Where(c => c.Evidence is not null),
            c => Assert.Contains(c.Evidence!, drill.Turns.Single(t => t.Turn == c.EvidenceTurn).UserText, StringComparison.Ordinal));
        var request = _server.Requests.Single();
        Assert.Equal("coach-model", request.Model);
        Assert.Contains("verbatim", request.System, StringComparison.Ordinal);
        Assert.Contains("[turn 2] Trainee: Could we offer a multi-year discount?", request.Messages[^1].Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerThatIsNotTheJsonAskedForFails()
    {
        var (rules, drill, rubric) = English();
        _server.Reply("I think the trainee did well overall.");
        using var model = Model();

        await Assert.ThrowsAnyAsync<JsonException>(() => new LlmRubricScorer(model, new CoachingOptions()).ScoreAsync(rules, drill, rubric, "t", CancellationToken.None));
    }

    [Fact]
    public async Task AWholeDrillWithTheModelConfiguredEndsWithAnLlmReportAndFallsBackToRulesWhenItFails()
    {
        using var factory = new RoleplayHubFactory().WithEchoSpeech()
            .Setting("Ai:Provider", "openai")
            .Setting("Ai:OpenAi:BaseUrl", _server.BaseUrl)
            .Setting("Ai:OpenAi:ApiKey", "sk-hub")
            .Setting("Ai:OpenAi:Model", "hub-model")
            .Setting("Ai:OpenAi:MaxRetries", "0");
        await using var client = await factory.ConnectAsync("erin");

        var first = await client.StartAsync();
        _server.Reply("Tell me more about the discount.");
        _server.Reply(Answer(new { id = "discovery", score = 55, evidence = "what is your budget this year", turn = 1, comment = "One question.", better = "What drove the budget cut?" }));
        await client.SayAndHearAsync(first, "what is your budget this year", 1, 0);
        await client.InvokeAsync("end-session", new { sessionId = first });
        var llm = (await client.WaitForEventAsync("session-ended", e => e.Str("sessionId") == first)).GetProperty("report");

        var second = await client.StartAsync();
        _server.Reply("Go on.");
        _server.Fail(500);
        await client.SayAndHearAsync(second, "we offer a discount", 1, 0);
        await client.InvokeAsync("end-session", new { sessionId = second });
        var rules = (await client.WaitForEventAsync("session-ended", e => e.Str("sessionId") == second)).GetProperty("report");

        var discovery = llm.GetProperty("criteria").EnumerateArray().Single(c => c.Str("id") == "discovery");
        Assert.Equal("llm", llm.Str("method"));
        Assert.Equal(55, discovery.GetProperty("score").GetDouble());
        Assert.Equal("what is your budget this year", discovery.Str("evidence"));
        Assert.Equal("What drove the budget cut?", discovery.Str("better"));
        Assert.Equal("rules", rules.Str("method"));
    }
}
