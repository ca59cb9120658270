using System.Runtime.InteropServices;
using NAudio.Wave;
using RoleplayHub.Pipeline;
using RoleplayHub.Storage;

namespace RoleplayHub.Tests.Unit;

public sealed class UtteranceRecorderTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "recorder-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingFiles _files;

    /// <summary>A store that keeps its media elsewhere, as a bucket does: recordings go through the shared files.</summary>
    private static readonly IMediaStore Elsewhere = new CopyingStore();

    public UtteranceRecorderTests() => _files = new RecordingFiles(_temp);

    [Fact]
    public async Task TheRecordedUtteranceIsAWavFileNAudioReadsBack()
    {
        var samples = Enumerable.Range(0, 24_000).Select(i => (short)(8_000 * Math.Sin(i / 7.0))).ToArray();
        var store = new CopyingStore();
        await using var recorder = new UtteranceRecorder(_files, Elsewhere);

        foreach (var flush in samples.Chunk(16_384)) // flushes as the pipeline writes them
        {
            recorder.Write(MemoryMarshal.AsBytes(flush.AsSpan()));
        }

        using (var recording = recorder.Finish())
        {
            await recording!.StoreAsync(store, default);
        }

        using var reader = new WaveFileReader(new MemoryStream(store.Saved!));
        Assert.Equal(new WaveFormat(16_000, 16, 1), reader.WaveFormat);
        var read = new short[reader.Length / 2];
        reader.ReadExactly(MemoryMarshal.AsBytes(read.AsSpan()));
        Assert.Equal(samples, read);
        Assert.Equal(44 + (samples.Length * 2), store.Saved!.Length); // the canonical header, nothing else
    }

    [Fact]
    public async Task AnUtteranceAfterADiscardedOneStartsItsOwnHeader()
    {
        var store = new CopyingStore();
        await using var recorder = new UtteranceRecorder(_files, Elsewhere);

        recorder.Write(new byte[1_000]);
        recorder.Discard();
        recorder.Write(new byte[] { 1, 0, 2, 0 });
        using (var recording = recorder.Finish())
        {
            await recording!.StoreAsync(store, default);
        }

        using var reader = new WaveFileReader(new MemoryStream(store.Saved!));
        Assert.Equal(4, reader.Length);
        Assert.Equal(48, store.Saved!.Length);
    }

    [Fact]
    public async Task AFileTheStoreLeavesBehindIsReusedByTheNextUtteranceAndKeptForOtherSessionsUntilTheServiceStops()
    {
        var store = new CopyingStore();
        var recorder = new UtteranceRecorder(_files, Elsewhere);

        for (var utterance = 0; utterance < 3; utterance++)
        {
            recorder.Write(new byte[] { 1, 0, (byte)utterance, 0 });
            using var recording = recorder.Finish();
            await recording!.StoreAsync(store, default);
        }

        var filesDuringSession = Directory.GetFiles(_temp).Length;
        await recorder.DisposeAsync();
        var filesAfterSession = Directory.GetFiles(_temp).Length;
        _files.Dispose();

        Assert.Equal(1, filesDuringSession);
        Assert.Equal(1, filesAfterSession); // a spare for the next session
        Assert.Empty(Directory.GetFiles(_temp));
        Assert.Equal(48, store.Saved!.Length);
    }

    [Fact]
    public async Task ASessionWritesOverAnEndedSessionsLongerRecordingAndNothingOfItIsLeft()
    {
        var store = new CopyingStore();
        await using (var first = new UtteranceRecorder(_files, Elsewhere))
        {
            first.Write(new byte[10_000]);
            using var recording = first.Finish();
            await recording!.StoreAsync(store, default);
        }

        await using var second = new UtteranceRecorder(_files, Elsewhere);
        second.Write(new byte[] { 7, 0, 8, 0 });
        using (var recording = second.Finish())
        {
            await recording!.StoreAsync(store, default);
        }

        Assert.Single(Directory.GetFiles(_temp)); // one file, written by both sessions
        using var reader = new WaveFileReader(new MemoryStream(store.Saved!));
        Assert.Equal(4, reader.Length);
        Assert.Equal(48, store.Saved!.Length);
    }

    [Fact]
    public async Task ARecordingStillWithItsReplyWhenTheSessionEndsGoesBackWhenTheReplyGivesItBack()
    {
        var recorder = new UtteranceRecorder(_files, Elsewhere);
        recorder.Write(new byte[] { 1, 0 });
        var recording = recorder.Finish();

        await recorder.DisposeAsync();
        var sparesBeforeTheReplyEnds = _files.SpareCount;
        recording!.Dispose();

        Assert.Equal(0, sparesBeforeTheReplyEnds);
        Assert.Equal(1, _files.SpareCount);
    }

    [Fact]
    public void SpareFilesAreBoundedAndTheRestAreDeleted()
    {
        Directory.CreateDirectory(_temp);
        var paths = Enumerable.Range(0, RecordingFiles.MaxSpare + 3).Select(_ => _files.Rent()).ToList();
        foreach (var path in paths)
        {
            File.WriteAllBytes(path, [1]);
        }

        paths.ForEach(_files.Return);

        Assert.Equal(RecordingFiles.MaxSpare, _files.SpareCount);
        Assert.Equal(RecordingFiles.MaxSpare, Directory.GetFiles(_temp).Length);
    }

    [Fact]
    public async Task NothingRecordedStoresNothing()
    {
        var store = new CopyingStore();
        await using var recorder = new UtteranceRecorder(_files, Elsewhere);

        recorder.Write([]);

        Assert.False(recorder.HasAudio);
        Assert.Null(recorder.Finish());
        Assert.Null(store.Saved);
    }

    [Fact]
    public async Task ARecordingWhoseStoresPlaceCannotBeWrittenGoesThroughASharedFileAndIsStoredAllTheSame()
    {
        var store = new CopyingStore(place: Path.Combine(_temp, "removed", "take.wav"));
        await using var recorder = new UtteranceRecorder(_files, store);

        recorder.Write(new byte[] { 3, 0, 4, 0 });
        using (var recording = recorder.Finish())
        {
            await recording!.StoreAsync(store, default);
        }

        Assert.Equal(new byte[] { 3, 0, 4, 0 }, store.Saved![44..]);
        Assert.StartsWith(_files.Directory, store.SavedFrom);
        Assert.Equal(1, _files.SpareCount); // the store left it behind: a spare for the next recording
    }

    public void Dispose()
    {
        _files.Dispose();
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    /// <summary>Keeps a copy of the finished file and leaves it where it is, as a cloud store does; or offers
    /// <paramref name="place"/> to write recordings in, as a local store offers its own files.</summary>
    private sealed class CopyingStore(string? place = null) : IMediaStore
    {
        public byte[]? Saved { get; private set; }

        public string? SavedFrom { get; private set; }

        public string Name => "copy";

        public ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, byte[] name, CancellationToken cancellationToken)
        {
            Saved = File.ReadAllBytes(path);
            SavedFrom = path;
            return ValueTask.FromResult(new StoredMedia("user/x.wav", "audio/wav", Saved.Length));
        }

        public string? PlaceFor(MediaKind kind, byte[] name, string extension) => place;

        public string GetUrl(string key, string? baseUrl) => key;
    }
}
