using RoleplayHub.Coaching;

namespace RoleplayHub.Tests.Coaching;

public sealed class TextMeasuresTests
{
    [Theory]
    [InlineData("We don't sell multi-year deals.", 6)]
    [InlineData("我们的价格", 5)]
    [InlineData("我们的 SLA 是 99.9%", 7)] // 我 们 的 · SLA · 是 · 99 · 9
    [InlineData("  ", 0)]
    public void UnitsAreWordsAndEachCjkCharacter(string text, int expected) => Assert.Equal(expected, Units.Count(text));

    [Theory]
    [InlineData("What is your budget", QuestionKind.Open)]
    [InlineData("so how do you decide", QuestionKind.Open)]
    [InlineData("um what is your budget", QuestionKind.Open)]
    [InlineData("Tell me about your team.", QuestionKind.Open)]
    [InlineData("Walk me through your process", QuestionKind.Open)]
    [InlineData("Tell me.", QuestionKind.Open)]
    [InlineData("Whatever you think works", QuestionKind.None)]
    [InlineData("Do you have a budget", QuestionKind.Closed)]
    [InlineData("You agree?", QuestionKind.Closed)]
    [InlineData("What we offer is a pilot.", QuestionKind.None)]
    [InlineData("We offer a pilot", QuestionKind.None)]
    [InlineData("你们为什么选择现在换系统", QuestionKind.Open)]
    [InlineData("预算是多少？", QuestionKind.Open)]
    [InlineData("您的团队呢", QuestionKind.Open)]
    [InlineData("你们有预算吗", QuestionKind.Closed)]
    [InlineData("是不是已经定了？", QuestionKind.Closed)]
    [InlineData("我们提供试点。", QuestionKind.None)]
    public void QuestionsAreOpenClosedOrNone(string sentence, QuestionKind expected) => Assert.Equal(expected, QuestionClassifier.Classify(sentence));

    [Fact]
    public void EnglishFillersMatchWholeWordsAndChineseFillersMatchSubstrings()
    {
        var counter = new FillerCounter(["um", "you know"], ["嗯", "就是说"]);

        var english = counter.Count("Um, the umbrella, you know, um you knowing");
        var chinese = counter.Count("嗯 嗯，就是 说 我们");

        Assert.Equal([new("um", 2), new("you know", 1)], english);
        Assert.Equal([new("嗯", 2), new("就是说", 1)], chinese); // spaces a recogniser puts between characters do not hide a filler
    }

    [Fact]
    public void SentencesAreCutAtEndMarksAndKeptVerbatim()
    {
        Assert.Equal(["Hi there.", "What is it?", "ok"], Sentences.Split("Hi there. What is it?  ok"));
        Assert.Equal(["你好。", "价格呢？"], Sentences.Split("你好。价格呢？"));
    }
}
