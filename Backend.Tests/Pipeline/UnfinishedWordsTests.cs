using RoleplayHub.Core;
using RoleplayHub.Pipeline;
using RoleplayHub.Providers.Stt;

namespace RoleplayHub.Tests.Pipeline;

/// <summary>semantic-vad's word judge, and the guard that keeps the noise after the voice out of the final transcript.</summary>
public sealed class UnfinishedWordsTests
{
    private static readonly UnfinishedWords Judge = new(new EndOfTurnOptions().UnfinishedWords);

    [Theory]
    [InlineData("we could look at the price and")]
    [InlineData("I would like the")]
    [InlineData("because um")]
    [InlineData("我们可以考虑，但是")]
    [InlineData("价格方面那个")]
    public void WordsThatLeaveTheSentenceOpenSoundUnfinished(string text) => Assert.True(Judge.EndsUnfinished(text));

    [Theory]
    [InlineData("that is too expensive for us")]
    [InlineData("what is your best price?")]
    [InlineData("the discount is ten percent and.")] // the recogniser's own full stop ends it
    [InlineData("我们可以考虑一下")]
    [InlineData("")]
    public void WordsThatCanEndASentenceDoNot(string text) => Assert.False(Judge.EndsUnfinished(text));

    [Fact]
    public void WordsTheRecogniserPlacesAfterTheVoiceEndedAreDropped()
    {
        var final = new SpeechHypothesis("he might even have been made amiable himself so",
            [new WordTiming("he", 0, 200), new WordTiming("might", 200, 400), new WordTiming("himself", 2_400, 2_900), new WordTiming("so", 3_050, 3_200)]);

        var trimmed = VoiceTail.Trim(final, voiceEndMs: 3_000);

        Assert.Equal("he might himself", trimmed.Text);
        Assert.Equal(3, trimmed.Words!.Count);
    }

    [Fact]
    public void AFinalWhoseWordsAllLieInTheVoiceIsKeptAsItIs()
    {
        var final = new SpeechHypothesis("go forward ten meters", [new WordTiming("go", 0, 300), new WordTiming("meters", 1_200, 1_700)]);

        Assert.Same(final, VoiceTail.Trim(final, voiceEndMs: 1_800));
    }
}
