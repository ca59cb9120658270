using RoleplayHub.Observability;

namespace RoleplayHub.Tests.Unit;

public sealed class LatencyReservoirTests
{
    [Fact]
    public void PercentilesCoverTheRetainedSamplesOrOnlyThoseAfterAMark()
    {
        var reservoir = new LatencyReservoir();
        for (var i = 1; i <= 100; i++)
        {
            reservoir.Add(1000 + i); // a warm-up's slow turns
        }

        var mark = reservoir.Summarize().Samples;
        for (var i = 1; i <= 100; i++)
        {
            reservoir.Add(i);
        }

        var all = reservoir.Summarize();
        var afterMark = reservoir.Summarize(since: mark);

        Assert.Equal(200, all.Samples);
        Assert.Equal(1100, all.Max);
        Assert.Equal(50, afterMark.P50);
        Assert.Equal(99, afterMark.P99);
        Assert.Equal(100, afterMark.Max);
    }

    [Fact]
    public void OnlyTheLastCapacitySamplesAreKept()
    {
        var reservoir = new LatencyReservoir();
        for (var i = 0; i < LatencyReservoir.Capacity + 10; i++)
        {
            reservoir.Add(i < 10 ? 1_000_000 : 1);
        }

        var summary = reservoir.Summarize();

        Assert.Equal(LatencyReservoir.Capacity + 10, summary.Samples);
        Assert.Equal(1, summary.Max); // the ten oldest were overwritten
    }
}
