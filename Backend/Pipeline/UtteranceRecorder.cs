using System.Security.Cryptography;
using NAudio.Wave;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Writes the user's own audio of one utterance (16 kHz mono WAV) to a temporary file as it is decoded, so a
/// session never holds a whole utterance in memory; on completion the file goes to the media store.
/// </summary>
/// <remarks>
/// A finished recording goes to the reply, which stores it while the next utterance records into another file, and
/// gives the file back to the shared <see cref="RecordingFiles"/> when the store leaves it behind (a cloud upload; a
/// local store moves it into place). A file is written over from its start and cut to the recording's length when it
/// finishes, never emptied first: ext4 flushes a file emptied and written again to disk when it is closed.
/// </remarks>
internal sealed class UtteranceRecorder(RecordingFiles files) : IAsyncDisposable
{
    private static readonly WaveFormat Format = WavFile.Pcm16(AudioFormat.NormalizedSampleRate);

    private FileStream? _file;
    private WaveFileWriter? _wav;
    private string? _path;

    public bool HasAudio => _wav is { Length: > 0 };

    /// <summary>
    /// Appends decoded samples. The write is synchronous: on Linux .NET performs "asynchronous" file writes as the same
    /// <c>pwrite</c> on a thread-pool thread, so writing in place blocks no longer and saves the hand-off.
    /// </summary>
    public void Write(ReadOnlySpan<byte> pcm16)
    {
        if (pcm16.IsEmpty)
        {
            return;
        }

        if (_wav is null)
        {
            _path ??= files.Rent();

            // OpenOrCreate writes over what the file held. The small buffer gathers the header's fields (NAudio writes
            // them one by one) into one write; the audio, larger than the buffer, goes straight through, and a
            // full-size buffer per utterance would only be garbage.
            _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: WavFile.HeaderSize);
            _wav = new WaveFileWriter(_file, Format);
        }

        _wav.Write(pcm16);
    }

    /// <summary>
    /// Finishes the WAV (NAudio writes the sizes into its header), cuts off what an earlier, longer recording left
    /// behind it, and hands its file over, so the reply can store it while the next utterance records into another
    /// file; null if nothing was recorded.
    /// </summary>
    public RecordedUtterance? Finish()
    {
        if (_wav is null || _path is null)
        {
            return null;
        }

        var end = WavFile.HeaderSize + _wav.Length;
        if (_file!.Length > end)
        {
            _file.SetLength(end);
        }

        _wav.Dispose();
        Close();
        // A name of its own, not its content's hash: no two recordings of a voice are the same bytes, so hashing every
        // byte of every recording to find a copy to share was work that never paid.
        var recording = new RecordedUtterance(_path, files, RandomNumberGenerator.GetBytes(RecordedUtterance.NameLength));
        _path = null;
        return recording;
    }

    /// <summary>Throws the recording away (the utterance was silence or invalid); the next one writes over its file.</summary>
    public void Discard()
    {
        Close(); // the writer is dropped unfinished: its header is rewritten by the next one
    }

    /// <summary>Session end: the file goes back to the shared ones (one still with a reply goes when the reply gives it back).</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        if (_path is not null)
        {
            files.Return(_path);
            _path = null;
        }

        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
        _wav = null;
    }
}

/// <summary>A finished recording of one utterance, its temporary file owned until it is stored and disposed; then
/// the file goes back to the shared ones. It is stored under <paramref name="name"/>, random bytes of its own.</summary>
internal sealed class RecordedUtterance(string path, RecordingFiles files, byte[] name) : IDisposable
{
    /// <summary>128 random bits: unguessable, and never the same twice.</summary>
    public const int NameLength = 16;

    public ValueTask<StoredMedia> StoreAsync(IMediaStore store, CancellationToken cancellationToken) =>
        store.SaveFileAsync(path, MediaKind.UserAudio, "wav", name, cancellationToken);

    public void Dispose() => files.Return(path);
}
