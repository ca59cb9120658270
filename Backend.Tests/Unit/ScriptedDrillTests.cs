using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Scenarios;
using static RoleplayHub.Tests.Unit.ScriptedEngineTests;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// Whole drills played from scripted transcripts, checked for what a demanding trainee would notice: a greeting
/// mid-drill, a line heard twice while the script had another, praise for an offer nobody made, a complaint about the
/// price right after a discount, and a closing that does not fit the drill.
/// </summary>
public sealed class ScriptedDrillTests
{
    private static readonly Scenario Procurement = Load("procurement-price");
    private static readonly Scenario ItDirector = Load("it-director-cloud");
    private static readonly Scenario Detective = Load("history-detective");

    // The drill from issue 23: a discount, then a one-year term with an exit clause, a misheard "hello" mid-drill,
    // and small talk until the end.
    private static readonly string[] EnglishSalesDrill =
    [
        "Hello Linda, thanks for your time",
        "We can offer a discount of ten percent",
        "We can do a one year contract and an exit clause",
        "hello we would like to understand what matters to you",
        "our company has offices in twelve countries",
        "the weather has been lovely this week",
        "I really enjoyed the conference last month",
        "hello so what do you think",
    ];

    private static readonly string[] ChineseSalesDrill =
    [
        "你好，谢谢你抽时间",
        "我们可以给你百分之十的折扣",
        "合同可以只签一年，还有退出条款",
        "你好，我想了解一下你们的需求",
        "我们公司在十二个国家有办公室",
        "这周天气不错",
        "上个月的展会很有意思",
        "你好，你觉得怎么样",
    ];

    public static TheoryData<string, string> SalesDrills => new()
    {
        { "en-US", "issue-23-en" },
        { "zh-CN", "issue-23-zh" },
        { "en-US", "another-session" },
        { "zh-CN", "another-session" },
    };

    [Theory]
    [MemberData(nameof(SalesDrills))]
    public async Task APersonaGreetsOnlyInTheFirstTurn(string language, string sessionId)
    {
        var variant = Procurement.Variants[language];
        var replies = await PlayAsync(variant, sessionId, Transcript(language));

        var greetings = variant.Script!.Intents.Single(i => i.Id == "greeting").Replies;
        Assert.Contains(greetings, line => replies[0].Contains(line, StringComparison.Ordinal));
        Assert.All(replies.Skip(1), reply => Assert.DoesNotContain(greetings, line => reply.Contains(line, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(SalesDrills))]
    public async Task APersonaPraisesOnlyOffersTheTraineeMade(string language, string sessionId)
    {
        var variant = Procurement.Variants[language];
        var transcript = Transcript(language);
        var replies = await PlayAsync(variant, sessionId, transcript);

        // A concern the persona raises is no praise ("a vendor took six months" names no offer, however close to "monthly").
        var offers = variant.Script!.Objections.SelectMany(o => o.ResolvedBy).Distinct().ToList();
        var concerns = variant.Script!.Objections.SelectMany(o => o.Raise).ToList();
        for (var turn = 0; turn < replies.Count; turn++)
        {
            var saidSoFar = string.Join(" ", transcript.Take(turn + 1));
            var answer = concerns.Aggregate(replies[turn], (reply, concern) => reply.Replace(concern, "", StringComparison.Ordinal));
            foreach (var offer in offers.Where(o => Names(answer, o)))
            {
                Assert.True(Names(saidSoFar, offer), $"turn {turn + 1} names \"{offer}\", which the trainee never offered: {replies[turn]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SalesDrills))]
    public async Task ADiscountSettlesThePriceSoThePersonaDoesNotComplainAboutItAgain(string language, string sessionId)
    {
        var variant = Procurement.Variants[language];
        var replies = await PlayAsync(variant, sessionId, Transcript(language));

        var priceComplaints = variant.Script!.Objections.Single(o => o.Id == "price-too-high").Raise;
        Assert.All(replies.Skip(1), reply => Assert.DoesNotContain(priceComplaints, line => reply.Contains(line, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(SalesDrills))]
    public async Task NoLineIsHeardTwiceWhileTheScriptHasAnother(string language, string sessionId)
    {
        var variant = Procurement.Variants[language];
        var replies = await PlayAsync(variant, sessionId, Transcript(language));

        AssertNoLineRepeatsWhileAnotherIsUnsaid(variant.Script!, replies);
    }

    [Theory]
    [MemberData(nameof(SalesDrills))]
    public async Task TheClosingFitsWhatHappened(string language, string sessionId)
    {
        var variant = Procurement.Variants[language];
        var conversation = new ScriptedConversation(sessionId, variant);
        var replies = await PlayAsync(conversation, Transcript(language));

        var state = conversation.State;
        var closings = state.Raised.All(state.Resolved.Contains) ? variant.Script!.Closings!.Resolved : variant.Script!.Closings!.Unresolved;
        Assert.Contains(closings, line => replies[^1].EndsWith(line, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en-US", "We can offer a discount of ten percent", "And what about the price now?")]
    [InlineData("zh-CN", "我们可以给你百分之十的折扣", "现在这个价格你觉得怎么样？")]
    public async Task AskedAboutThePriceAfterADiscountThePersonaAcknowledgesItInsteadOfComplainingAgain(string language, string discount, string askAboutPrice)
    {
        var variant = Procurement.Variants[language];
        var script = variant.Script!;

        var replies = await PlayAsync(variant, "price-after-discount", [ language == "zh-CN" ? "你好" : "Hello", discount, askAboutPrice, language == "zh-CN" ? "好的" : "fine" ]);

        var complaints = script.Intents.Single(i => i.Id == "price").Replies.Concat(script.Objections.Single(o => o.Id == "price-too-high").Raise);
        Assert.DoesNotContain(complaints, line => replies[2].Contains(line, StringComparison.Ordinal));
        Assert.Contains(script.Objections.Single(o => o.Id == "price-too-high").Acknowledge, line => replies[2].StartsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task APersonaPressingTheSameConcernRewordsIt()
    {
        var variant = Procurement.Variants["en-US"];
        string[] smallTalk = ["hello", "let me tell you about our history", "we were founded long ago", "and we grew fast", "we have many offices", "and happy staff", "it is a nice day", "so there it is"];

        var replies = await PlayAsync(variant, "pressing", smallTalk);

        AssertNoLineRepeatsWhileAnotherIsUnsaid(variant.Script!, replies);
        Assert.Contains(variant.Script!.Closings!.Unresolved, line => replies[^1].EndsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnItDirectorDrillClosesAsConvincedOnlyWhenEveryConcernWasAnswered()
    {
        var variant = ItDirector.Variants["en-US"];
        string[] transcript =
        [
            "Good morning David",
            "What does your current system look like?",
            "Everything is encrypted and you get our latest audit report.",
            "hello, our platform is really easy to use",
            "We have a prebuilt connector and our integration team does the work.",
            "You can export your data in open formats whenever you like.",
            "Shall we schedule a technical workshop as the next step?",
        ];

        var replies = await PlayAsync(variant, "it-whole", transcript);

        var greetings = variant.Script!.Intents.Single(i => i.Id == "greeting").Replies;
        Assert.All(replies.Skip(1), reply => Assert.DoesNotContain(greetings, line => reply.Contains(line, StringComparison.Ordinal)));
        Assert.DoesNotContain("price cap", string.Join(" ", replies), StringComparison.OrdinalIgnoreCase);
        AssertNoLineRepeatsWhileAnotherIsUnsaid(variant.Script!, replies);
        Assert.Contains(variant.Script!.Closings!.Resolved, line => replies[^1].EndsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChineseDetectiveDrillOfSmallTalkTellsEveryBeatOnceAndNeverGreetsAgain()
    {
        var variant = Detective.Variants["zh-CN"];
        var transcript = Enumerable.Range(0, Detective.MaxTurns).Select(i => i == 0 ? "你好" : i % 2 == 0 ? "你好" : "嗯").ToArray();

        var replies = await PlayAsync(variant, "detective-zh", transcript);

        var greetings = variant.Script!.Intents.Single(i => i.Id == "greeting").Replies;
        Assert.All(replies.Skip(1), reply => Assert.DoesNotContain(greetings, line => reply.Contains(line, StringComparison.Ordinal)));
        AssertNoLineRepeatsWhileAnotherIsUnsaid(variant.Script!, replies);
    }

    private static string[] Transcript(string language) => language == "zh-CN" ? ChineseSalesDrill : EnglishSalesDrill;

    private static Task<List<string>> PlayAsync(ScenarioVariant variant, string sessionId, IReadOnlyList<string> transcript) =>
        PlayAsync(new ScriptedConversation(sessionId, variant), transcript);

    private static async Task<List<string>> PlayAsync(ScriptedConversation conversation, IReadOnlyList<string> transcript)
    {
        var replies = new List<string>();
        for (var turn = 1; turn <= transcript.Count; turn++)
        {
            replies.Add(await ReplyAsync(conversation, turn, transcript.Count, transcript[turn - 1]));
        }

        return replies;
    }

    private static bool Names(string text, string phrase)
    {
        var words = TextMatcher.Tokenize(text);
        return TextMatcher.Score(words, string.Concat(words), phrase) > 0;
    }

    /// <summary>A line the script wrote in a list of several may be heard twice only once every line of its list was
    /// heard (story beats are told once each, so they are lists of one).</summary>
    private static void AssertNoLineRepeatsWhileAnotherIsUnsaid(ScriptRules script, IReadOnlyList<string> replies)
    {
        var all = string.Join("\n", replies);
        foreach (var list in Lists(script).Where(l => l.Count > 1))
        {
            var counts = list.Select(line => Occurrences(all, line)).ToList();
            if (counts.Any(c => c > 1) && counts.Any(c => c == 0))
            {
                Assert.Fail($"\"{list[counts.FindIndex(c => c > 1)]}\" was said twice while \"{list[counts.FindIndex(c => c == 0)]}\" was never said");
            }
        }

        foreach (var beat in script.Beats)
        {
            Assert.True(Occurrences(all, beat) <= 1, $"beat told twice: {beat}");
        }
    }

    private static IEnumerable<IReadOnlyList<string>> Lists(ScriptRules script) =>
        script.Intents.SelectMany(i => new[] { i.Replies, i.Invite })
            .Concat(script.Objections.SelectMany(o => new[] { o.Raise, o.Acknowledge }))
            .Concat(script.StageFallbacks.Values)
            .Append(script.Fallbacks)
            .Concat(script.Closings is { } c ? c.ByStage.Values.Append(c.Resolved).Append(c.Unresolved) : []);

    private static int Occurrences(string text, string line)
    {
        var count = 0;
        for (var at = text.IndexOf(line, StringComparison.Ordinal); at >= 0; at = text.IndexOf(line, at + line.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
