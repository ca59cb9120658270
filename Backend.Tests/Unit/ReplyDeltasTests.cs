using System.Text;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Pipeline;

namespace RoleplayHub.Tests.Unit;

/// <summary>How a reply's text is gathered into <c>ai-response-delta</c> events.</summary>
public sealed class ReplyDeltasTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly StringBuilder _text = new();

    [Fact]
    public void TheFirstTextGoesOutAtOnceAndWhatFollowsWithinTheIntervalWaitsForTheNextTextAfterIt()
    {
        var deltas = new ReplyDeltas(3, _text, Interval, _time);

        var first = Write(deltas, "That price ");
        _time.Advance(TimeSpan.FromMilliseconds(30));
        var second = Write(deltas, "is far ");
        _time.Advance(TimeSpan.FromMilliseconds(60));
        var third = Write(deltas, "above ");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var fourth = Write(deltas, "our ");

        Assert.Equal(new TurnReplyDelta(3, 0, "That price "), first);
        Assert.Null(second);
        Assert.Null(third);
        Assert.Equal(new TurnReplyDelta(3, 1, "is far above our "), fourth);
    }

    [Fact]
    public void AFlushSendsWhatIsHeldBackAndNothingWhenNothingIs()
    {
        var deltas = new ReplyDeltas(1, _text, Interval, _time);
        Write(deltas, "Our budget ");
        Write(deltas, "was cut.");

        var held = deltas.Flush();
        var again = deltas.Flush();

        Assert.Equal(new TurnReplyDelta(1, 1, "was cut."), held);
        Assert.Null(again);
    }

    [Fact]
    public void WithoutAnIntervalEveryPieceIsAnEvent()
    {
        var deltas = new ReplyDeltas(1, _text, TimeSpan.Zero, _time);

        var events = new[] { "Our ", "budget ", "was ", "cut." }.Select(piece => Write(deltas, piece)).ToList();

        Assert.Equal(["Our ", "budget ", "was ", "cut."], events.Select(e => e!.Text));
        Assert.Equal([0, 1, 2, 3], events.Select(e => e!.Index));
    }

    [Fact]
    public void TheEventsConcatenatedAreTheTextInOrderWithIndexesFromZero()
    {
        var deltas = new ReplyDeltas(2, _text, Interval, _time);
        var random = new Random(7);
        var sent = new List<TurnReplyDelta>();
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 60)));
            if (Write(deltas, $"w{i} ") is { } delta)
            {
                sent.Add(delta);
            }

            if (random.Next(10) == 0 && deltas.Flush() is { } flushed)
            {
                sent.Add(flushed);
            }
        }

        if (deltas.Flush() is { } last)
        {
            sent.Add(last);
        }

        Assert.Equal(_text.ToString(), string.Concat(sent.Select(d => d.Text)));
        Assert.Equal(Enumerable.Range(0, sent.Count), sent.Select(d => d.Index));
        Assert.InRange(sent.Count, 2, 150); // gathered: 200 pieces, 30 ms apart on average, in fewer events
    }

    [Fact]
    public void TextReplacedByAShorterFinalTranscriptIsNotSentAgain()
    {
        var deltas = new ReplyDeltas(1, _text, Interval, _time);
        Write(deltas, "Delivery takes six weeks, ");
        Write(deltas, "maybe more.");

        _text.Clear().Append("Delivery takes six weeks.");

        Assert.Null(deltas.Flush());
    }

    private TurnReplyDelta? Write(ReplyDeltas deltas, string piece)
    {
        _text.Append(piece);
        return deltas.Grown();
    }
}
