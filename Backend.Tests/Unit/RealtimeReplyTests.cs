using RoleplayHub.Pipeline.Realtime;

namespace RoleplayHub.Tests.Unit;

/// <summary>How a realtime reply's streamed transcript is shared out among its audio segments.</summary>
public sealed class RealtimeReplyTests
{
    [Fact]
    public void AWordStillBeingWrittenGoesWithTheNextSegment()
    {
        using var reply = new RealtimeReply(1, null!, 24_000, TimeSpan.Zero, TimeProvider.System);

        reply.AddText("Deliv");
        var first = reply.TakeText(last: false, null);
        reply.AddText("ery takes six we");
        var second = reply.TakeText(last: false, null);
        reply.AddText("eks.");
        var third = reply.TakeText(last: true, null);

        Assert.Equal(["", "Delivery takes six", "weeks."], [first, second, third]);
    }

    [Fact]
    public void TextWrittenWithoutSpacesIsGivenAsItArrives()
    {
        using var reply = new RealtimeReply(1, null!, 24_000, TimeSpan.Zero, TimeProvider.System);

        reply.AddText("交货需要");
        var first = reply.TakeText(last: false, null);
        reply.AddText("六周");
        var second = reply.TakeText(last: true, null);

        Assert.Equal(["交货需要", "六周"], [first, second]);
    }
}
