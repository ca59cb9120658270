using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

public sealed class ScriptedEngineTests
{
    private static readonly Scenario Procurement = Load("procurement-price");

    [Fact]
    public async Task ASalesDrillRaisesObjectionsAndResolvesThemWhenTheTraineeAnswers()
    {
        var conversation = new ScriptedConversation("drill-1", Procurement.Variants["en-US"]);
        var max = Procurement.MaxTurns;

        var needs = await ReplyAsync(conversation, 1, max, "What are your biggest challenges on the production lines?");
        var needsStage = conversation.State.Stage;
        await ReplyAsync(conversation, 2, max, "Our customers reduce downtime by thirty percent, I can share a case study.");
        var firstConcern = conversation.State.Raised.Single();
        await ReplyAsync(conversation, 3, max, AnswerTo(firstConcern));
        var afterFirst = conversation.State;
        await ReplyAsync(conversation, 4, max, "Let me explain our roadmap.");
        var secondConcern = conversation.State.Raised.Except(afterFirst.Resolved).Single();
        await ReplyAsync(conversation, 5, max, AnswerTo(secondConcern));
        await ReplyAsync(conversation, 6, max, "Is there anything else you need?");
        var thirdConcern = conversation.State.Raised.Except(conversation.State.Resolved).Single();
        await ReplyAsync(conversation, 7, max, AnswerTo(thirdConcern));
        var closing = await ReplyAsync(conversation, 8, max, "Shall we schedule the next step with your director?");

        Assert.Contains(Procurement.Variants["en-US"].Script!.Intents.Single(i => i.Id == "needs").Replies, line => needs.Contains(line, StringComparison.Ordinal));
        Assert.Equal("value", needsStage);
        Assert.Contains(firstConcern, afterFirst.Resolved);
        Assert.Equal(3, conversation.State.Raised.Count);
        Assert.Equal(conversation.State.Raised.Order(), conversation.State.Resolved.Order());
        Assert.True(Procurement.Variants["en-US"].Script!.Closings!.Resolved.Any(c => closing.EndsWith(c, StringComparison.Ordinal)), closing);
    }

    [Fact]
    public async Task AnIgnoredObjectionIsRaisedAgainAndTheClosingSaysItWasNotResolved()
    {
        var conversation = new ScriptedConversation("drill-2", Procurement.Variants["en-US"]);

        await ReplyAsync(conversation, 1, 5, "hello");
        var raised = await ReplyAsync(conversation, 2, 5, "let me tell you about our company history");
        var ignored = await ReplyAsync(conversation, 3, 5, "we were founded in nineteen ninety");
        var pressed = await ReplyAsync(conversation, 4, 5, "and we have offices in twelve countries");
        var closing = await ReplyAsync(conversation, 5, 5, "so what do you think");

        var objection = Procurement.Variants["en-US"].Script!.Objections.Single(o => o.Id == conversation.State.Raised.Single());
        Assert.Contains(objection.Raise, line => raised.Contains(line, StringComparison.Ordinal));
        Assert.DoesNotContain(objection.Raise, line => ignored.Contains(line, StringComparison.Ordinal));
        Assert.Contains(objection.Raise, line => pressed.Contains(line, StringComparison.Ordinal));
        Assert.Empty(conversation.State.Resolved);
        Assert.True(Procurement.Variants["en-US"].Script!.Closings!.Unresolved.Any(c => closing.EndsWith(c, StringComparison.Ordinal)), closing);
    }

    [Fact]
    public async Task TheSameSessionReplaysTheSameDrillAndLinesDoNotRepeatBackToBack()
    {
        var a = new ScriptedConversation("same-id", Procurement.Variants["en-US"]);
        var b = new ScriptedConversation("same-id", Procurement.Variants["en-US"]);

        var repliesA = new List<string>();
        var repliesB = new List<string>();
        for (var turn = 1; turn <= 4; turn++)
        {
            repliesA.Add(await ReplyAsync(a, turn, 8, "what is your price"));
            repliesB.Add(await ReplyAsync(b, turn, 8, "what is your price"));
        }

        Assert.Equal(repliesA, repliesB);
        Assert.All(repliesA.Zip(repliesA.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task ChineseDrillsMatchChineseKeywords()
    {
        var conversation = new ScriptedConversation("zh", Procurement.Variants["zh-CN"]);

        var reply = await ReplyAsync(conversation, 1, 8, "你们的价格是多少");

        Assert.Contains(Procurement.Variants["zh-CN"].Script!.Intents.Single(i => i.Id == "price").Replies, line => reply.Contains(line, StringComparison.Ordinal));
    }

    private static string AnswerTo(string objection) => objection switch
    {
        "price-too-high" => "We can offer a phased payment plan so it pays for itself.",
        "long-contract" => "We can start with a pilot and an exit clause.",
        "implementation-risk" => "A dedicated project manager and our implementation team will handle onboarding in weeks.",
        _ => throw new ArgumentOutOfRangeException(nameof(objection), objection, null),
    };

    private static async Task<string> ReplyAsync(IRoleplayConversation conversation, int turn, int max, string said)
    {
        var text = string.Concat(await conversation.ReplyAsync(new AiTurn(turn, max, said), default).ToListAsync());
        conversation.Commit(new AiTurn(turn, max, said), text);
        Assert.False(string.IsNullOrWhiteSpace(text));
        return text;
    }

    internal static Scenario Load(string id)
    {
        var errors = new List<string>();
        var scenario = ScenarioCatalog.LoadFile(Path.Combine(Repository.Root, "Backend", "Scenarios", "Catalog", id + ".json"), errors);
        Assert.Empty(errors);
        return scenario!;
    }
}
