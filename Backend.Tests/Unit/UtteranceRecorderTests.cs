using System.Runtime.InteropServices;
using NAudio.Wave;
using RoleplayHub.Pipeline;
using RoleplayHub.Storage;

namespace RoleplayHub.Tests.Unit;

public sealed class UtteranceRecorderTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "recorder-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheRecordedUtteranceIsAWavFileNAudioReadsBack()
    {
        var samples = Enumerable.Range(0, 24_000).Select(i => (short)(8_000 * Math.Sin(i / 7.0))).ToArray();
        var store = new CopyingStore();
        await using var recorder = new UtteranceRecorder(_temp);

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
        await using var recorder = new UtteranceRecorder(_temp);

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
    public async Task AFileTheStoreLeavesBehindIsReusedByTheNextUtteranceAndGoesWithTheSession()
    {
        var store = new CopyingStore();
        var recorder = new UtteranceRecorder(_temp);

        for (var utterance = 0; utterance < 3; utterance++)
        {
            recorder.Write(new byte[] { 1, 0, (byte)utterance, 0 });
            using var recording = recorder.Finish();
            await recording!.StoreAsync(store, default);
        }

        var filesDuringSession = Directory.GetFiles(_temp).Length;
        await recorder.DisposeAsync();

        Assert.Equal(1, filesDuringSession);
        Assert.Empty(Directory.GetFiles(_temp));
        Assert.Equal(48, store.Saved!.Length);
    }

    [Fact]
    public async Task ARecordingStillWithItsReplyWhenTheSessionEndsIsDeletedWhenTheReplyGivesItBack()
    {
        var recorder = new UtteranceRecorder(_temp);
        recorder.Write(new byte[] { 1, 0 });
        var recording = recorder.Finish();

        await recorder.DisposeAsync();
        var filesBeforeTheReplyEnds = Directory.GetFiles(_temp).Length;
        recording!.Dispose();

        Assert.Equal(1, filesBeforeTheReplyEnds);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task NothingRecordedStoresNothing()
    {
        var store = new CopyingStore();
        await using var recorder = new UtteranceRecorder(_temp);

        recorder.Write([]);

        Assert.False(recorder.HasAudio);
        Assert.Null(recorder.Finish());
        Assert.Null(store.Saved);
    }

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    /// <summary>Keeps a copy of the finished file and leaves it where it is, as a cloud store does.</summary>
    private sealed class CopyingStore : IMediaStore
    {
        public byte[]? Saved { get; private set; }

        public string Name => "copy";

        public ValueTask<StoredMedia> SaveAsync(ReadOnlyMemory<byte> content, MediaKind kind, string extension, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<StoredMedia> SaveFileAsync(string path, MediaKind kind, string extension, CancellationToken cancellationToken)
        {
            Saved = File.ReadAllBytes(path);
            return ValueTask.FromResult(new StoredMedia("user/x.wav", "audio/wav", Saved.Length));
        }

        public string GetUrl(string key, string? baseUrl) => key;
    }
}
