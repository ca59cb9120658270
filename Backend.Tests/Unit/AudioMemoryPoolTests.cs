using RoleplayHub.Hubs.Transport;

namespace RoleplayHub.Tests.Unit;

public sealed class AudioMemoryPoolTests
{
    [Fact]
    public void RentsBlocksLargeEnoughForAWholeAudioChunk()
    {
        using var pool = new AudioMemoryPoolFactory().Create();

        using var block = pool.Rent();

        Assert.Equal(16 * 1024, block.Memory.Length); // a 250 ms chunk is ≈10.7 KB of base64 JSON: one recv
        Assert.Equal(16 * 1024, pool.MaxBufferSize);
    }

    [Fact]
    public void ReusesAReturnedBlockInsteadOfAllocatingANewOne()
    {
        using var pool = new AudioMemoryPoolFactory().Create();
        var first = pool.Rent();
        var array = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(second.Memory.Span.Overlaps(array.Span));
    }

    [Fact]
    public void RefusesARequestLargerThanABlock()
    {
        using var pool = new AudioMemoryPoolFactory().Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(16 * 1024 + 1));
    }
}
