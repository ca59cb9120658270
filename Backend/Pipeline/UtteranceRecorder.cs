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
/// The file is reused for the session's next utterance whenever the store leaves it behind (a cloud upload, a
/// recording the store already has) or the utterance is discarded: creating and deleting a file per turn made ext4
/// scan its recently-deleted inodes on every create — a tenth of the server's CPU at 160 turns/s
/// (docs/benchmarks.md). When a local store moves the file into place, the next utterance creates one at the same path.
/// </remarks>
internal sealed class UtteranceRecorder(string tempDirectory) : IAsyncDisposable
{
    private static readonly WaveFormat Format = WavFile.Pcm16(AudioFormat.NormalizedSampleRate);

    private FileStream? _file;
    private WaveFileWriter? _wav;
    private string? _path; // one per session, reused

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
            if (_path is null)
            {
                Directory.CreateDirectory(tempDirectory);
                _path = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".wav");
            }

            // Create truncates the session's file if it is still there. The small buffer gathers the header's fields
            // (NAudio writes them one by one) into one write; the audio, larger than the buffer, goes straight
            // through, and a full-size buffer per utterance would only be garbage.
            _file = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: WavFile.HeaderSize);
            _wav = new WaveFileWriter(_file, Format);
        }

        _wav.Write(pcm16);
    }

    /// <summary>
    /// Finishes the WAV (NAudio writes the sizes into its header) and hands its file over, so the reply can store it
    /// while the next utterance records into a new file; null if nothing was recorded.
    /// </summary>
    public RecordedUtterance? Finish()
    {
        if (_wav is null || _path is null)
        {
            return null;
        }

        _wav.Dispose();
        Close();
        var recording = new RecordedUtterance(_path);
        _path = null;
        return recording;
    }

    /// <summary>Throws the recording away (the utterance was silence or invalid); its file is reused by the next one.</summary>
    public void Discard() => Close(); // the writer is dropped unfinished: its header would be rewritten by the next one

    /// <summary>Session end: the temporary file goes.</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        if (_path is not null)
        {
            File.Delete(_path);
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

/// <summary>A finished recording of one utterance, its temporary file owned until it is stored and disposed.</summary>
internal sealed class RecordedUtterance(string path) : IDisposable
{
    public ValueTask<StoredMedia> StoreAsync(IMediaStore store, CancellationToken cancellationToken) =>
        store.SaveFileAsync(path, MediaKind.UserAudio, "wav", cancellationToken);

    public void Dispose() => File.Delete(path);
}
