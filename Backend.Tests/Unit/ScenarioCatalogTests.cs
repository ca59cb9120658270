using System.Text.RegularExpressions;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Scenarios;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>The shipped catalog: every scenario loads, speaks both languages, and holds a short conversation.</summary>
public sealed partial class ScenarioCatalogTests
{
    private static readonly string CatalogFolder = Path.Combine(Repository.Root, "Backend", "Scenarios", "Catalog");

    public static TheoryData<string> BuiltIn() => new(BuiltInIds());

    private static IEnumerable<string> BuiltInIds() =>
        Directory.EnumerateFiles(CatalogFolder, "*.json").Select(file => Path.GetFileNameWithoutExtension(file)).Order(StringComparer.Ordinal);

    [Fact]
    public void TheCatalogShipsTwoSalesDrillsAndTheThreeHistoryPersonas()
    {
        var scenarios = BuiltInIds().Select(ScriptedEngineTests.Load).ToList();

        Assert.Equal(["it-director-cloud", "procurement-price"], scenarios.Where(s => s.Kind == "sales").Select(s => s.Id).Order());
        Assert.Equal(["history-detective", "history-storyteller", "history-time-traveller"], scenarios.Where(s => s.Kind == "history").Select(s => s.Id).Order());
        Assert.All(scenarios, s => Assert.Equal("en-US", s.DefaultLanguage)); // the offline recogniser speaks English
    }

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public void EveryBuiltInScenarioLoadsInEnglishAndChineseWithVoicesForEveryEngine(string id)
    {
        var scenario = ScriptedEngineTests.Load(id);

        Assert.Equal(["en-US", "zh-CN"], scenario.Variants.Keys.Order());
        var english = scenario.Variants["en-US"];
        var chinese = scenario.Variants["zh-CN"];
        Assert.StartsWith("en-us+", english.Persona.Voice.For(ProviderNames.Espeak));
        Assert.StartsWith("cmn-latn-pinyin+", chinese.Persona.Voice.For(ProviderNames.Espeak));
        Assert.False(string.IsNullOrWhiteSpace(chinese.Persona.Voice.For(ProviderNames.Aliyun)));
        Assert.Equal(english.Persona.Voice.Gender, chinese.Persona.Voice.Gender);
        foreach (var variant in new[] { english, chinese })
        {
            Assert.False(string.IsNullOrWhiteSpace(variant.ClosingLine));
            Assert.NotNull(variant.Script);
            Assert.NotEmpty(variant.Script!.Intents);
            Assert.True(variant.Script.Fallbacks.Count > 0 || variant.Script.Beats.Count > 0);
            Assert.NotEmpty(variant.Script.Closings!.Resolved);
        }

        // Same drill in both languages: the same topics, concerns and stages.
        Assert.Equal(english.Script!.Intents.Select(i => i.Id), chinese.Script!.Intents.Select(i => i.Id));
        Assert.Equal(english.Script.Objections.Select(o => o.Id), chinese.Script.Objections.Select(o => o.Id));
        Assert.Equal(english.Script.Stages, chinese.Script.Stages);
        Assert.Equal(english.Script.Beats.Count, chinese.Script.Beats.Count);
        Assert.All(SpokenLines(chinese), line => Assert.Matches(Han(), line));
        Assert.All(SpokenLines(english), line => Assert.DoesNotMatch(Han(), line));
    }

    [Theory]
    [MemberData(nameof(BuiltIn))]
    public async Task EveryTopicIsReachedByItsOwnKeywords(string id)
    {
        foreach (var variant in ScriptedEngineTests.Load(id).Variants.Values)
        {
            foreach (var intent in variant.Script!.Intents)
            {
                var reached = false;
                foreach (var keyword in intent.Keywords)
                {
                    var conversation = new ScriptedConversation("reach", variant);
                    await ScriptedEngineTests.ReplyAsync(conversation, 1, 10, keyword);
                    reached |= conversation.State.LastIntent == intent.Id;
                }

                Assert.True(reached, $"{id} {variant.Language}: no keyword of intent '{intent.Id}' reaches it");
            }
        }
    }

    [Theory]
    [InlineData("procurement-price", "en-US", "What are your priorities this year?", "needs", "Our customers save a lot, I can show you a case study", "value", "Let's schedule the next step", "next-step")]
    [InlineData("procurement-price", "zh-CN", "你们现在最大的问题是什么", "needs", "我们有类似工厂的案例，效率提高很多", "value", "我们约个会议谈下一步吧", "next-step")]
    [InlineData("it-director-cloud", "en-US", "Hello David, thanks for your time", "greeting", "Tell me about your current system", "needs", "Could we start with a proof of concept?", "proof")]
    [InlineData("it-director-cloud", "zh-CN", "王总您好", "greeting", "你们现在的系统是什么样的", "needs", "我们可以先做一个概念验证", "proof")]
    [InlineData("history-storyteller", "en-US", "Tell me about the Silk Road", "silk-road", "yes please", "poets", "What did you eat at the market?", "food")]
    [InlineData("history-storyteller", "zh-CN", "给我讲讲丝绸之路", "silk-road", "好啊", "poets", "你们平时吃什么", "food")]
    [InlineData("history-detective", "en-US", "What happened?", "case", "What clues did you find?", "clues", "I think the clockmaker did it himself", "solution")]
    [InlineData("history-detective", "zh-CN", "发生了什么事", "case", "有什么线索", "clues", "我觉得是惠特科姆自导自演", "solution")]
    [InlineData("history-time-traveller", "en-US", "Hello Julia, welcome to London", "greeting", "It is a phone, we call people with it", "phone", "Do you know that Vesuvius will erupt?", "volcano")]
    [InlineData("history-time-traveller", "zh-CN", "你好，欢迎来到现代", "greeting", "这是手机，可以打电话", "phone", "维苏威火山会喷发", "volcano")]
    public async Task EveryScenarioHoldsAPlausibleThreeTurnConversation(string id, string language, string first, string firstIntent, string second, string secondIntent, string third, string thirdIntent)
    {
        var variant = ScriptedEngineTests.Load(id).Variants[language];
        var conversation = new ScriptedConversation("three-turns", variant);
        var replies = new List<string>();
        var intents = new List<string?>();

        foreach (var (said, turn) in new[] { first, second, third }.Select((s, i) => (s, i + 1)))
        {
            replies.Add(await ScriptedEngineTests.ReplyAsync(conversation, turn, 3, said));
            intents.Add(conversation.State.LastIntent);
        }

        Assert.Equal([firstIntent, secondIntent, thirdIntent], intents);
        foreach (var (reply, intent) in replies.Zip(intents))
        {
            Assert.Contains(variant.Script!.Intents.Single(i => i.Id == intent).Replies, line => reply.Contains(line, StringComparison.Ordinal));
            Assert.True(language == "zh-CN" ? Han().IsMatch(reply) : !Han().IsMatch(reply), reply);
        }

        var closings = variant.Script!.Closings!;
        Assert.Contains(closings.Resolved.Concat(closings.Unresolved).Concat(closings.ByStage.Values.SelectMany(l => l)), line => replies[2].EndsWith(line, StringComparison.Ordinal));
        Assert.Equal(3, replies.Distinct().Count());
    }

    [Fact]
    public void AnInvalidScriptIsRefusedWithEveryProblemNamedByFileAndPath()
    {
        var file = WriteScenario("""
            { "id": "broken", "defaultLanguage": "en-US", "variants": { "en-US": {
                "title": "Broken", "persona": { "name": "B", "role": "R", "voice": { "gender": "robot" } },
                "systemPrompt": "S", "openingLine": "O",
                "script": {
                  "stages": ["one", "two"],
                  "intents": [ { "id": "a", "keywords": ["x"], "replies": ["y"], "advances": "three" },
                               { "id": "a", "keywords": ["x"], "replies": [""] },
                               { "id": "b", "keywords": ["z"], "replies": ["w"], "about": "nothing" } ],
                  "objections": [ { "id": "o", "stage": "zero", "raise": ["r"], "resolvedBy": ["k"] } ],
                  "stageFallbacks": { "four": ["f"], "one": [] },
                  "closings": { "byStage": { "five": ["c"] } } } } } }
            """);
        var errors = new List<string>();

        var scenario = ScenarioCatalog.LoadFile(file, errors, ScriptedEngineTests.VoiceProviders);

        Assert.Null(scenario);
        Assert.All(errors, e => Assert.StartsWith(file + ": ", e));
        var text = string.Join("\n", errors);
        Assert.Contains("persona.voice.gender must be 'female' or 'male' (was 'robot')", text);
        Assert.Contains("intent 'a' advances to unknown stage 'three' (known stages: one, two)", text);
        Assert.Contains("uses the id 'a' more than once", text);
        Assert.Contains("intent 'a' replies contains an empty line", text);
        Assert.Contains("objection 'o' names unknown stage 'zero'", text);
        Assert.Contains("variants.en-US.script.stageFallbacks names unknown stage 'four'", text);
        Assert.Contains("variants.en-US.script.stageFallbacks.one has no lines", text);
        Assert.Contains("variants.en-US.script.closings.byStage names unknown stage 'five'", text);
        Assert.Contains("intent 'b' is about unknown objection 'nothing'", text);
    }

    [Fact]
    public void AMisspeltFieldIsAnErrorRatherThanSilentlyIgnored()
    {
        var file = WriteScenario("""
            { "id": "typo", "defaultLanguage": "en-US", "variants": { "en-US": {
                "title": "T", "persona": { "name": "N", "role": "R" }, "systemPrompt": "S", "openingLine": "O",
                "script": { "beat": ["once upon a time"] } } } }
            """);
        var errors = new List<string>();

        ScenarioCatalog.LoadFile(file, errors, ScriptedEngineTests.VoiceProviders);

        Assert.Contains(errors, e => e.StartsWith(file, StringComparison.Ordinal) && e.Contains("'beat'", StringComparison.Ordinal));
    }

    private static string WriteScenario(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), "roleplayhub-tests", Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, json);
        return file;
    }

    private static IEnumerable<string> SpokenLines(ScenarioVariant variant) =>
        new[] { variant.Title, variant.OpeningLine, variant.SystemPrompt, variant.ClosingLine! }
            .Concat(variant.Script!.Intents.SelectMany(i => i.Replies.Concat(i.Invite)))
            .Concat(variant.Script.Beats)
            .Concat(variant.Script.Objections.SelectMany(o => o.Raise.Concat(o.Acknowledge)));

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
