using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Ai.Scripted;
using RoleplayHub.Providers.Tts.Espeak;

namespace RoleplayHub.Tests.Unit;

public sealed class TextTests
{
    [Theory]
    [InlineData("What's your PRICE, exactly?", "price", true)]
    [InlineData("we could offer a discounts", "discount", true)]          // plural
    [InlineData("the implementation team will help", "implementation team", true)]
    [InlineData("the implementation and support team", "implementation team", true)] // up to two words between
    [InlineData("we have a dedicated project manager", "project manager", true)]
    [InlineData("a warrantee comes with it", "warranty", true)]            // recognition error, one edit apart
    [InlineData("the team of implementation", "implementation team", false)] // order matters
    [InlineData("a nice idea", "price", false)]
    [InlineData("我们可以给您折扣", "折扣", true)]
    [InlineData("they integrated it last year", "integrating", true)]  // a shared stem
    public void KeywordsMatchToleratingRecognitionErrors(string heard, string keyword, bool matches)
    {
        var words = TextMatcher.Tokenize(heard);

        Assert.Equal(matches, TextMatcher.Score(words, string.Concat(words), keyword) > 0);
        Assert.Equal(matches, TextMatcher.Score(MatchText.Of(heard), MatchText.Of(keyword)) > 0); // prepared once, as the report does
    }

    [Fact]
    public void APreparedTextStemsEachOfItsWordsOnce()
    {
        var text = MatchText.Of("Prices integrated, discounts quickly; a bus");

        Assert.Equal(["pric", "integrat", "discount", "quick", "a", "bus"], text.Stems);
        Assert.Same(text.Stems, text.Stems);
        Assert.Same(text.Words[^1], text.Stems[^1]); // a word without a suffix is its own stem, not a copy
    }

    [Theory]
    [InlineData("What's your PRICE, exactly?", "whats your price exactly")]
    [InlineData("  --Don’t  stop!!  ", "dont stop")]
    [InlineData("ﬁve　ＡＢＣ", "five abc")] // compatibility forms folded (ligature, full-width letters and space)
    [InlineData("我们的 SLA 是 99.9%", "我们的 sla 是 99 9")]
    [InlineData("?!", "")]
    [InlineData("", "")]
    public void TextIsNormalisedToLowerCaseWordsSeparatedByOneSpace(string text, string normalised) =>
        Assert.Equal(normalised, TextMatcher.Normalize(text));

    [Fact]
    public void RepliesSplitIntoSentencesAndShortOnesAreMerged()
    {
        var sentences = SentenceSplitter.Split("Hello. I'm Dr. Smith from procurement, and I have questions. Why is it so expensive? Ok.");

        Assert.Equal(["Hello. I'm Dr. Smith from procurement, and I have questions.", "Why is it so expensive? Ok."], sentences);
    }

    [Fact]
    public void ChineseRepliesSplitOnChinesePunctuation()
    {
        var sentences = SentenceSplitter.Split("你好，我是采购部的李薇，今天时间有限。坦白说，我们今年的预算被削减了很多。你想谈什么？", minChars: 8);

        Assert.Equal(3, sentences.Count);
        Assert.EndsWith("？", sentences[^1]);
    }

    [Theory]
    [InlineData("p", "PP")]
    [InlineData("ˈaɪ", "aa")]
    [InlineData("tʃ", "CH")]
    [InlineData("θ", "TH")]
    [InlineData("uː", "U")]
    [InlineData("ts", "SS")]
    [InlineData("_", "sil")]
    public void PhonemesMapToTheFifteenVisemes(string ipa, string viseme)
    {
        Assert.Equal(viseme, Visemes.FromIpa(ipa));
        Assert.Contains(viseme, Visemes.All);
    }
}
