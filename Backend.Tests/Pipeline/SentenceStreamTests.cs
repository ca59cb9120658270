using System.Text;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Tests.Pipeline;

public sealed class SentenceStreamTests
{
    private const string Reply = "That price is higher than we budgeted for. Mr. Chen asked for a 10.5% discount! Can you do that? 好的。我们再谈谈交货期。";

    public static TheoryData<int> PieceSizes() => [1, 2, 3, 5, 8, 1000];

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void AReplyStreamedInPiecesOfAnySizeIsCutAsTheWholeTextIs(int piece)
    {
        var stream = new SentenceStream(minChars: 10);
        var sentences = new List<string>();
        for (var i = 0; i < Reply.Length; i += piece)
        {
            sentences.AddRange(stream.Append(Reply.AsSpan(i, Math.Min(piece, Reply.Length - i))));
        }

        sentences.AddRange(stream.Complete());

        Assert.Equal(
            ["That price is higher than we budgeted for.", "Mr. Chen asked for a 10.5% discount!", "Can you do that?", "好的。我们再谈谈交货期。"],
            sentences);
        Assert.Equal(SentenceSplitter.Split(Reply, 10), sentences);
    }

    [Fact]
    public void ASentenceIsReleasedOnlyOnceTextFollowsIt()
    {
        var stream = new SentenceStream(minChars: 10);

        var atTheStop = stream.Append("Thanks for coming in today.");
        var atTheSpace = stream.Append(" ");
        var atTheNextWord = stream.Append("Let");

        Assert.Empty(atTheStop);
        Assert.Empty(atTheSpace);
        Assert.Equal(["Thanks for coming in today."], atTheNextWord);
        Assert.Equal(["Let"], stream.Complete());
    }

    [Fact]
    public void ShortSentencesRunOnIntoTheNext()
    {
        var stream = new SentenceStream(minChars: 24);

        var released = stream.Append("Hmm. Okay. That is a reasonable offer, I think. So");

        Assert.Equal(["Hmm. Okay. That is a reasonable offer, I think."], released);
    }

    [Fact]
    public void AnEmptyOrBlankReplyReleasesNothing()
    {
        var stream = new SentenceStream(minChars: 10);

        Assert.Empty(stream.Append("   \n "));
        Assert.Empty(stream.Complete());
    }

    [Fact]
    public void AReplyOfOneSentenceIsThatSentencesStringAndALongerReplyIsItsOwn()
    {
        var one = new StringBuilder(" That price is higher than we budgeted for. ");
        var single = new SentenceStream(minChars: 10);
        var released = single.Append(one.ToString());
        var rest = single.Complete();
        var several = new SentenceStream(minChars: 10);
        several.Append(Reply);
        several.Complete();

        Assert.Empty(released);
        Assert.Same(rest[0], single.Text(one)); // kept once, not twice, for the session
        Assert.Equal(Reply, several.Text(new StringBuilder(" " + Reply + " ")));
    }
}
