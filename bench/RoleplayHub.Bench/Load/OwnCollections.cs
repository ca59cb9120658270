namespace RoleplayHub.Bench.Load;

/// <summary>The generator's own collections, pause and allocation so far; the difference of two is a window's.</summary>
internal readonly record struct OwnCollections(int Collections, TimeSpan Paused, long Allocated)
{
    public static OwnCollections Now() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static OwnCollections operator -(OwnCollections end, OwnCollections start) =>
        new(end.Collections - start.Collections, end.Paused - start.Paused, end.Allocated - start.Allocated);
}
