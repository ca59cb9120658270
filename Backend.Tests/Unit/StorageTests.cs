using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoleplayHub.Core;
using RoleplayHub.Hubs;
using RoleplayHub.Hubs.Contracts;
using RoleplayHub.Pipeline;
using RoleplayHub.Sessions;
using RoleplayHub.Storage;

namespace RoleplayHub.Tests.Unit;

public sealed class StorageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "roleplayhub-storage-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        if (Directory.Exists(_root)) // a test of keys alone makes no store
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task IdenticalAudioIsStoredOnceUnderItsContentHash()
    {
        var store = Store();

        var first = await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        var second = await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        var other = await store.SaveAsync(new byte[] { 4 }, MediaKind.AvatarAudio, "wav", default);

        Assert.Equal(first.Key, second.Key);
        Assert.NotEqual(first.Key, other.Key);
        Assert.StartsWith("avatar/", first.Key);
        Assert.Equal("audio/wav", first.MimeType);
        Assert.Equal(2, Directory.GetFiles(store.Root, "*.wav", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void AKeyIsTheKindsFolderTheHashsFirstTwoHexDigitsTheWholeHashAndTheLowerCaseExtension()
    {
        var hash = SHA256.HashData(new byte[] { 9, 8, 7 });
        var hex = Convert.ToHexStringLower(hash);

        Assert.Equal($"user/{hex[..2]}/{hex}.wav", MediaTypes.KeyFor(MediaKind.UserAudio, hash, "wav"));
        Assert.Equal($"avatar/{hex[..2]}/{hex}.mp3", MediaTypes.KeyFor(MediaKind.AvatarAudio, hash, ".MP3"));
        Assert.Equal($"video/{hex[..2]}/{hex}.mp4", MediaTypes.KeyFor(MediaKind.AvatarVideo, hash, "mp4"));
    }

    [Fact]
    public async Task AKeyFolderRemovedBehindTheStoresBackIsMadeAgainOnTheNextSave()
    {
        var store = Store();
        var first = await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        Directory.Delete(Path.Combine(store.Root, "avatar"), recursive: true);

        var again = await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        var recording = Path.Combine(_root, "take.wav");
        await File.WriteAllBytesAsync(recording, [5, 6]);
        var name = new byte[16];
        store.PlaceFor(MediaKind.UserAudio, name, "wav"); // its folder made once
        Directory.Delete(Path.Combine(store.Root, "user"), recursive: true);
        var moved = await store.SaveFileAsync(recording, MediaKind.UserAudio, "wav", name, default);

        Assert.Equal(first.Key, again.Key);
        Assert.True(File.Exists(store.TryGetPath(moved.Key)));
        Assert.False(File.Exists(recording));
    }

    [Fact]
    public void AUrlsSignatureIsTheBase64UrlHmacSha256OfItsKeyAndExpiry()
    {
        var signer = Signer();
        var url = new Uri(signer.Sign("user/0f/0f1e.wav", "http://host/"));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var key = System.Text.Encoding.UTF8.GetBytes(new string('k', 32)); // Signer()'s configured key
        var mac = HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes($"user/0f/0f1e.wav\n{query["exp"]}"));

        Assert.Equal("http://host/media/user/0f/0f1e.wav", url.GetLeftPart(UriPartial.Path));
        Assert.Equal(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(mac), query["sig"]);
        Assert.False(signer.Verify("user/0f/0f1e.wav", long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture), query["sig"]![..^1]));
    }

    [Fact]
    public void AnAvatarResponsesUrlIsSignedWhenTheEventIsSentSoAReplayedOneHasNotExpired()
    {
        var store = Store();
        var speech = new SessionEvent(7, 0, new TurnSpeech(1, 0, true, "Fine.", "avatar/ab/abc.wav", "http://host", null, 900, "audio/wav", null, TurnTimings.None));

        var sent = (AvatarResponseEvent)speech.ToWire("s1", store);
        _clock.Advance(TimeSpan.FromHours(2)); // longer than a URL lives: the first one has expired
        var replayed = (AvatarResponseEvent)speech.ToWire("s1", store);

        Assert.StartsWith("http://host/media/avatar/ab/abc.wav?", replayed.AudioUrl);
        Assert.False(Verifies(sent.AudioUrl));
        Assert.True(Verifies(replayed.AudioUrl));
    }

    private bool Verifies(string url)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        return Signer().Verify("avatar/ab/abc.wav", long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture), query["sig"]);
    }

    [Fact]
    public void SignedUrlsExpireAndCannotBeMovedToAnotherKey()
    {
        var store = Store();
        var url = new Uri(store.GetUrl("avatar/ab/abc.wav", "http://host"));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        var signer = Signer();
        var expires = long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("http://host/media/avatar/ab/abc.wav", url.GetLeftPart(UriPartial.Path));
        Assert.True(signer.Verify("avatar/ab/abc.wav", expires, query["sig"]));
        Assert.False(signer.Verify("avatar/ab/other.wav", expires, query["sig"]));
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.False(signer.Verify("avatar/ab/abc.wav", expires, query["sig"]));
    }

    [Fact]
    public void KeysThatEscapeTheStoreAreRejected()
    {
        var store = Store();

        Assert.Null(store.TryGetPath("../keys/media-signing.key"));
        Assert.Null(store.TryGetPath("/etc/passwd"));
        Assert.NotNull(store.TryGetPath("avatar/ab/abc.wav"));
    }

    [Fact]
    public async Task TheSweepRemovesMediaUnusedForLongerThanTheRetention()
    {
        var store = Store();
        var old = await store.SaveAsync(new byte[] { 1 }, MediaKind.UserAudio, "wav", default);
        var recent = await store.SaveAsync(new byte[] { 2 }, MediaKind.UserAudio, "wav", default);
        File.SetLastWriteTimeUtc(store.TryGetPath(old.Key)!, DateTime.UtcNow.AddDays(-31));

        var removed = MediaSweeper.Sweep(store.Root, DateTimeOffset.UtcNow.AddDays(-30));

        Assert.Equal(1, removed);
        Assert.False(File.Exists(store.TryGetPath(old.Key)));
        Assert.True(File.Exists(store.TryGetPath(recent.Key)));
    }

    [Fact]
    public async Task AnUtteranceRecordingIsWrittenWhereItStaysUnderARandomNameOfItsOwnSoStoringItMovesNothing()
    {
        var store = Store();
        var temp = Path.Combine(_root, "tmp");
        using var files = new RecordingFiles(temp);
        var recorder = new UtteranceRecorder(files, store);

        recorder.Write(new byte[] { 1, 0, 2, 0 });
        var first = await StoreAsync(recorder.Finish()!);
        recorder.Write(new byte[] { 1, 0, 2, 0 }); // the same samples again: a recording of its own all the same
        var handedOver = recorder.Finish()!;
        recorder.Write(new byte[] { 9, 0 }); // the next utterance records while the last one is being stored
        var whileStoring = UserFiles();
        var again = await StoreAsync(handedOver);
        recorder.Discard();
        recorder.Write(new byte[] { 5, 0, 6, 0, 7, 0 });
        var third = await StoreAsync(recorder.Finish()!);
        await recorder.DisposeAsync();

        Assert.NotEqual(first.Key, again.Key);
        Assert.All(new[] { first, again, third }, stored => Assert.Matches("^user/([0-9a-f]{2})/\\1[0-9a-f]{30}\\.wav$", stored.Key));
        Assert.Equal(await File.ReadAllBytesAsync(store.TryGetPath(first.Key)!), await File.ReadAllBytesAsync(store.TryGetPath(again.Key)!));
        Assert.Equal(44 + 4, new FileInfo(store.TryGetPath(first.Key)!).Length); // a WAV header and the samples
        Assert.Equal(3, whileStoring.Length); // the stored one, the handed-over one and the next one's, each in its place
        Assert.Equal(new byte[] { 5, 0, 6, 0, 7, 0 }, (await File.ReadAllBytesAsync(store.TryGetPath(third.Key)!))[44..]); // nothing of the discarded one
        Assert.Equal(new[] { first, again, third }.Select(stored => store.TryGetPath(stored.Key)).Order(), UserFiles().Order()); // the discarded one was written over
        Assert.False(Directory.Exists(temp)); // no temporary file was needed

        async Task<StoredMedia> StoreAsync(RecordedUtterance recording)
        {
            using (recording)
            {
                return await recording.StoreAsync(store, default);
            }
        }

        string[] UserFiles() => Directory.GetFiles(Path.Combine(store.Root, "user"), "*", SearchOption.AllDirectories);
    }

    [Fact]
    public async Task ARecordingNeverStoredAndOneTheSessionsEndCutShortLeaveNoFileBehind()
    {
        var store = Store();
        using var files = new RecordingFiles(Path.Combine(_root, "tmp"));
        var recorder = new UtteranceRecorder(files, store);

        recorder.Write(new byte[] { 1, 0 });
        recorder.Finish()!.Dispose(); // the reply was cancelled before it stored the recording
        recorder.Write(new byte[] { 2, 0 }); // then the session ends mid-utterance
        var written = Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories);
        await recorder.DisposeAsync();

        Assert.Single(written);
        Assert.Empty(Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AClipSaidAgainIsKeptPastTheSweepButTouchedAtMostOnceInATenthOfTheRetention()
    {
        var store = Store(); // a retention of 30 days
        var clip = await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        var path = store.TryGetPath(clip.Key)!;
        var twoDaysAgo = DateTime.UtcNow.AddDays(-2);
        File.SetLastWriteTimeUtc(path, twoDaysAgo);

        await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);
        var afterARecentKeep = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-4));
        await store.SaveAsync(new byte[] { 1, 2, 3 }, MediaKind.AvatarAudio, "wav", default);

        Assert.Equal(twoDaysAgo, afterARecentKeep);
        Assert.InRange(File.GetLastWriteTimeUtc(path), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task ABucketGetsEveryRecordingUnderItsOwnNameButAnAvatarClipItHasJustBeenGivenOnlyOnce()
    {
        var bucket = new CountingBucket();
        using var store = new RoleplayHub.Storage.Cloud.CloudMediaStore("s3", bucket, "p/", Options.Create(new MediaOptions()), _clock, NullLogger.Instance);
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "take.wav");
        await File.WriteAllBytesAsync(file, [1, 0, 2, 0]);

        var recordings = new List<StoredMedia>();
        for (var i = 0; i < 2; i++)
        {
            recordings.Add(await store.SaveFileAsync(file, MediaKind.UserAudio, "wav", RandomNumberGenerator.GetBytes(16), default));
        }

        await store.SaveAsync(new byte[] { 3, 0 }, MediaKind.AvatarAudio, "wav", default);
        await store.SaveAsync(new byte[] { 3, 0 }, MediaKind.AvatarAudio, "wav", default);

        Assert.Equal(recordings.Select(r => "p/" + r.Key).Append(bucket.Puts[^1]), bucket.Puts);
        Assert.NotEqual(recordings[0].Key, recordings[1].Key);
        Assert.StartsWith("p/avatar/", bucket.Puts[^1]);
    }

    private LocalMediaStore Store() => new(Options.Create(new MediaOptions()), Data(), Signer());

    private MediaUrlSigner Signer() => new(Options.Create(new MediaOptions { SigningKey = new string('k', 32) }), Data(), _clock, NullLogger<MediaUrlSigner>.Instance);

    private DataDirectory Data() => new(new ConfigurationBuilder().AddInMemoryCollection([new("DataDirectory", _root)]).Build(), new Environment());

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    /// <summary>A bucket that only counts what is put into it.</summary>
    private sealed class CountingBucket : RoleplayHub.Storage.Cloud.IObjectStorage
    {
        public List<string> Puts { get; } = [];

        public Task PutAsync(string key, Stream content, long length, string contentType, byte[] md5, CancellationToken cancellationToken)
        {
            Puts.Add(key);
            return Task.CompletedTask;
        }

        public string PresignGet(string key, TimeSpan lifetime) => key;

        public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<Stream?>(null);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }
}
