using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Pipeline;
using RoleplayHub.Storage;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>Ticks are taken by hand (<see cref="PageCacheEviction.Advise"/>): the service's own timer runs on a clock
/// that never moves. The files are on the test machine's disk, whose page cache the kernel keeps.</summary>
public sealed class PageCacheEvictionTests : IAsyncLifetime
{
    private const int Megabyte = 1 << 20;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "page-cache-" + Guid.NewGuid().ToString("N"));
    private readonly PageCacheEviction _eviction = new(new FakeTimeProvider());

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        await _eviction.StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _eviction.StopAsync(default);
        _eviction.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void AFileOnDiskLeavesThePageCacheAtTheNextTickAndItsHandleIsClosedAtTheOneAfter()
    {
        var path = Path.Combine(_root, "written.wav");
        var file = WriteOnDisk(path, 2 * Megabyte);
        var cachedBefore = PageCache.ResidentBytes(path);

        _eviction.Evict(file);
        var openBeforeTheTick = !file.IsClosed;
        _eviction.Advise();
        var cachedAfter = PageCache.ResidentBytes(path);
        var openAfterOneTick = !file.IsClosed;
        _eviction.Advise();

        Assert.Equal(2 * Megabyte, cachedBefore);
        Assert.True(openBeforeTheTick);
        Assert.Equal(0, cachedAfter);
        Assert.True(openAfterOneTick);
        Assert.True(file.IsClosed);
        Assert.Equal(2 * Megabyte, new FileInfo(path).Length); // its content stays, on disk
    }

    [Fact]
    public async Task AFinishedRecordingKeptWhereItWasWrittenLeavesThePageCacheAndOneInASharedFileStays()
    {
        using var files = new RecordingFiles(Path.Combine(_root, "tmp"));
        var inPlace = Path.Combine(_root, "kept.wav");
        await using var keptWhereWritten = new UtteranceRecorder(files, new PlaceStore(inPlace), _eviction);
        await using var throughSharedFile = new UtteranceRecorder(files, new PlaceStore(null), _eviction);

        keptWhereWritten.Write(new byte[Megabyte]);
        throughSharedFile.Write(new byte[Megabyte]);
        using var kept = keptWhereWritten.Finish()!;
        using var shared = throughSharedFile.Finish()!;
        var sharedPath = Assert.Single(Directory.GetFiles(files.Directory));
        _eviction.Advise(); // the first advice starts the writing out
        FlushToDisk(inPlace); // the disk has taken the pages: the test does not wait on the kernel's pace
        FlushToDisk(sharedPath);
        _eviction.Advise();

        Assert.Equal(0, PageCache.ResidentBytes(inPlace));
        Assert.Equal(44 + Megabyte, new FileInfo(inPlace).Length);
        Assert.True(PageCache.ResidentBytes(sharedPath) >= Megabyte, "the shared file's pages stay cached: the next recording reuses them");
    }

    [Fact]
    public async Task AFileGivenWhenTheServiceIsNotRunningIsClosedAtOnce()
    {
        await _eviction.StopAsync(default);
        var file = WriteOnDisk(Path.Combine(_root, "late.wav"), 4_096);

        _eviction.Evict(file);

        Assert.True(file.IsClosed);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle WriteOnDisk(string path, int length)
    {
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.Write(file, new byte[length], 0);
        RandomAccess.FlushToDisk(file);
        return file;
    }

    private static void FlushToDisk(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>A store that keeps recordings where they are written (<paramref name="place"/>), as the local store
    /// does, or elsewhere (null), as a bucket does.</summary>
    private sealed class PlaceStore(string? place) : IMediaStore
    {
        public string Name => "place";

        public ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new StoredMedia("user/x.wav", "audio/wav", 0));

        public string? PlaceFor(MediaKind kind, byte[] name, string extension) => place;

        public string GetUrl(string key, string? baseUrl) => key;
    }
}
