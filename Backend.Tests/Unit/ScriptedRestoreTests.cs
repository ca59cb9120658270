using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.Scripted;
using static RoleplayHub.Tests.Unit.ScriptedEngineTests;

namespace RoleplayHub.Tests.Unit;

/// <summary>A session restored on another node after its node was lost: the scripted persona's drill state is rebuilt
/// from the recorded turns, so the drill goes on as it would have on the lost node.</summary>
public sealed class ScriptedRestoreTests
{
    private static readonly string[] Said =
    [
        "What are your biggest challenges on the production lines?",
        "Our customers reduce downtime by thirty percent, I can share a case study.",
        "We can offer a discount of ten percent",
    ];

    [Fact]
    public async Task AConversationRestoredFromTheRecordedTurnsAnswersTheNextTurnAsTheOriginalWould()
    {
        var variant = Load("procurement-price").Variants["en-US"];
        var max = Load("procurement-price").MaxTurns;
        var original = new ScriptedConversation("lost-node-drill", variant);
        var replies = new List<string>();
        for (var turn = 1; turn <= Said.Length; turn++)
        {
            replies.Add(await ReplyAsync(original, turn, max, Said[turn - 1]));
        }

        IRoleplayConversation restored = new ScriptedConversation("lost-node-drill", variant);
        for (var turn = 1; turn <= Said.Length; turn++)
        {
            restored.Restore(new AiTurn(turn, max, Said[turn - 1]), replies[turn - 1]);
        }

        var next = "We can do a one year contract and an exit clause";
        var fromOriginal = await ReplyAsync(original, Said.Length + 1, max, next);
        var fromRestored = await ReplyAsync(restored, Said.Length + 1, max, next);

        Assert.Equal(fromOriginal, fromRestored);
        Assert.Equivalent(original.State, ((ScriptedConversation)restored).State, strict: true);
        Assert.NotEmpty(original.State.Raised); // the drill had moved on: the state compared is not the initial one
    }
}
