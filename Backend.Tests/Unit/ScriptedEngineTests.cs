using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

public sealed class ScriptedEngineTests
{
    private static readonly Scenario Procurement = Load("procurement-price");
    private static readonly Scenario ItDirector = Load("it-director-cloud");
    private static readonly Scenario Storyteller = Load("history-storyteller");
    private static readonly Scenario Detective = Load("history-detective");
    private static readonly Scenario TimeTraveller = Load("history-time-traveller");

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

    [Fact]
    public async Task TheItDirectorDrillMovesFromDiscoveryToAWorkshopAsEachConcernIsAnswered()
    {
        var script = ItDirector.Variants["en-US"].Script!;
        var conversation = new ScriptedConversation("it-drill", ItDirector.Variants["en-US"]);

        await ReplyAsync(conversation, 1, 7, "Good morning David, thanks for your time");
        var discovery = await ReplyAsync(conversation, 2, 7, "What does your current system look like?");
        var first = conversation.State.Raised.Single();
        var vague = await ReplyAsync(conversation, 3, 7, "Our platform is really easy to use");
        await ReplyAsync(conversation, 4, 7, AnswerTo(first));
        var second = conversation.State.Raised.Except(conversation.State.Resolved).Single();
        await ReplyAsync(conversation, 5, 7, AnswerTo(second));
        var third = conversation.State.Raised.Except(conversation.State.Resolved).Single();
        await ReplyAsync(conversation, 6, 7, AnswerTo(third));
        var closing = await ReplyAsync(conversation, 7, 7, "Shall we schedule a technical workshop as the next step?");

        Assert.Equal("data-security", first);
        Assert.Contains(script.Objections.Single(o => o.Id == first).Raise, line => discovery.Contains(line, StringComparison.Ordinal));
        Assert.Contains(script.Intents.Single(i => i.Id == "pitch").Replies, line => vague.Contains(line, StringComparison.Ordinal));
        Assert.Equal(["data-security", "integration-effort", "lock-in"], conversation.State.Resolved.Order());
        Assert.Equal("close", conversation.State.Stage);
        Assert.Contains(script.Closings!.Resolved, line => closing.EndsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConcernAnsweredBeforeItIsRaisedIsAcknowledgedAndNeverRaised()
    {
        var script = ItDirector.Variants["zh-CN"].Script!;
        var conversation = new ScriptedConversation("preempt", ItDirector.Variants["zh-CN"]);

        var reply = await ReplyAsync(conversation, 1, 8, "我们的数据全部加密，存在国内机房，通过了等保三级");
        for (var turn = 2; turn <= 5; turn++)
        {
            await ReplyAsync(conversation, turn, 8, "我们的平台很好用");
        }

        Assert.Contains(script.Objections.Single(o => o.Id == "data-security").Acknowledge, line => reply.Contains(line, StringComparison.Ordinal));
        Assert.Contains("data-security", conversation.State.Resolved);
        Assert.Equal(1, conversation.State.Raised.Count(id => id == "data-security"));
        Assert.Contains("integration-effort", conversation.State.Raised); // the other concerns still come up
    }

    [Fact]
    public async Task WordsThatMerelyTouchAConcernDoNotSettleItBeforeItIsRaised()
    {
        var conversation = new ScriptedConversation("weak", Procurement.Variants["en-US"]);

        await ReplyAsync(conversation, 1, 8, "We support many customers with training");

        Assert.Empty(conversation.State.Resolved);
    }

    [Fact]
    public async Task UnrecognisedWordsGetANudgeForTheCurrentStage()
    {
        var script = ItDirector.Variants["en-US"].Script!;
        var conversation = new ScriptedConversation("stages", ItDirector.Variants["en-US"]);

        var early = await ReplyAsync(conversation, 1, 8, "the weather is nice");
        await ReplyAsync(conversation, 2, 8, "What are your priorities?");
        var later = await ReplyAsync(conversation, 3, 8, "the weather is nice");

        Assert.Contains(script.StageFallbacks["discovery"], line => early.StartsWith(line, StringComparison.Ordinal));
        Assert.Equal("technical", conversation.State.Stage);
        Assert.Contains(script.StageFallbacks["technical"], line => later.StartsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AListeningTraineeHearsTheStoryInOrderAndGoOnContinuesIt()
    {
        var beats = Detective.Variants["en-US"].Script!.Beats;
        var conversation = new ScriptedConversation("beats", Detective.Variants["en-US"]);

        var replies = new List<string>();
        foreach (var (said, turn) in new[] { "hmm", "go on", "and then", "yes" }.Select((s, i) => (s, i + 1)))
        {
            replies.Add(await ReplyAsync(conversation, turn, 10, said));
        }

        Assert.Equal(beats.Take(4), replies);
        Assert.Equal(4, conversation.State.BeatsTold);
    }

    [Fact]
    public async Task AStorytellerOffersTheNextTopicAndYesAcceptsIt()
    {
        var script = Storyteller.Variants["en-US"].Script!;
        var conversation = new ScriptedConversation("invite", Storyteller.Variants["en-US"]);

        var greeting = await ReplyAsync(conversation, 1, 10, "Hello!");
        var offered = conversation.State.Invited!;
        var accepted = await ReplyAsync(conversation, 2, 10, "Yes please");
        var acceptedIntent = conversation.State.LastIntent;
        var next = conversation.State.Invited!;
        var declined = await ReplyAsync(conversation, 3, 10, "No thanks, not now");

        Assert.Contains(script.Intents.Single(i => i.Id == offered).Invite, line => greeting.EndsWith(line, StringComparison.Ordinal));
        Assert.Equal(offered, acceptedIntent);
        Assert.Contains(script.Intents.Single(i => i.Id == offered).Replies, line => accepted.StartsWith(line, StringComparison.Ordinal));
        Assert.NotEqual(offered, next);
        Assert.Null(conversation.State.LastIntent);
        Assert.DoesNotContain(script.Intents.Single(i => i.Id == next).Replies, line => declined.Contains(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnIgnoredInvitationIsNotRepeatedAndNoneFollowTheLastStage()
    {
        var conversation = new ScriptedConversation("offers", TimeTraveller.Variants["en-US"]);

        var offers = new List<string?>();
        foreach (var (said, turn) in new[] { "Hello", "wow", "What do you eat at home?", "Vesuvius will erupt", "wow" }.Select((s, i) => (s, i + 1)))
        {
            await ReplyAsync(conversation, turn, 10, said);
            offers.Add(conversation.State.Invited);
        }

        Assert.Equal(3, offers.Take(3).Distinct().Count());
        Assert.All(offers.Take(3), Assert.NotNull);
        Assert.Equal("warned", conversation.State.Stage);
        Assert.All(offers.Skip(3), Assert.Null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheClosingFitsTheStageTheStoryEndedIn(bool warned)
    {
        var closings = TimeTraveller.Variants["en-US"].Script!.Closings!;
        var conversation = new ScriptedConversation("closing", TimeTraveller.Variants["en-US"]);

        await ReplyAsync(conversation, 1, 3, warned ? "Vesuvius will erupt and bury Pompeii in ash" : "Tell me about the baths");
        await ReplyAsync(conversation, 2, 3, "hmm");
        var closing = await ReplyAsync(conversation, 3, 3, "goodbye then");

        Assert.Equal(warned ? closings.ByStage["warned"][0] : closings.Resolved[0], closing); // nothing recognised: the closing alone
    }

    private static string AnswerTo(string objection) => objection switch
    {
        "price-too-high" => "We can offer a phased payment plan so it pays for itself.",
        "long-contract" => "We can start with a pilot and an exit clause.",
        "implementation-risk" => "A dedicated project manager and our implementation team will handle onboarding in weeks.",
        "data-security" => "Everything is encrypted, the data stays in a local data centre, and you get our latest audit report.",
        "integration-effort" => "We have a prebuilt connector and our integration team does the work.",
        "lock-in" => "You can export all your data in open formats, and there is an exit clause.",
        _ => throw new ArgumentOutOfRangeException(nameof(objection), objection, null),
    };

    internal static async Task<string> ReplyAsync(IRoleplayConversation conversation, int turn, int max, string said)
    {
        var text = string.Concat(await conversation.ReplyAsync(new AiTurn(turn, max, said), default).ToListAsync());
        conversation.Commit(new AiTurn(turn, max, said), text);
        Assert.False(string.IsNullOrWhiteSpace(text));
        return text;
    }

    /// <summary>The providers the service lets personas give a voice for.</summary>
    internal static string[] VoiceProviders => [ProviderNames.Espeak, ProviderNames.Aliyun];

    internal static Scenario Load(string id)
    {
        var errors = new List<string>();
        var scenario = ScenarioCatalog.LoadFile(Path.Combine(Repository.Root, "Backend", "Scenarios", "Catalog", id + ".json"), errors, VoiceProviders);
        Assert.Empty(errors);
        return scenario!;
    }
}
