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
/// A finished recording goes to the reply, which stores it while the next utterance records into another file. The
/// reply gives the file back when the store leaves it behind (a cloud upload, a recording the store already has), and
/// the session's next utterances reuse it: creating and deleting a file per turn makes ext4 scan its recently deleted
/// inodes on every create, a tenth of the server's CPU at 160 turns/s (docs/benchmarks.md). When a local store moves
/// the file into place nothing was deleted, and the next utterance creates a new one.
/// </remarks>
internal sealed class UtteranceRecorder(string tempDirectory) : IAsyncDisposable
{
    private static readonly WaveFormat Format = WavFile.Pcm16(AudioFormat.NormalizedSampleRate);

    private readonly Stack<string> _spare = new(); // files the session's replies gave back, for reuse
    private FileStream? _file;
    private WaveFileWriter? _wav;
    private string? _path;
    private bool _disposed;

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
                lock (_spare)
                {
                    _path = _spare.TryPop(out var spare) ? spare : null;
                }

                if (_path is null)
                {
                    Directory.CreateDirectory(tempDirectory);
                    _path = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".wav");
                }
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
        var recording = new RecordedUtterance(_path, this);
        _path = null;
        return recording;
    }

    /// <summary>Throws the recording away (the utterance was silence or invalid); its file is reused by the next one.</summary>
    public void Discard() => Close(); // the writer is dropped unfinished: its header would be rewritten by the next one

    /// <summary>Session end: the temporary files go (one still with a reply goes when the reply gives it back).</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        lock (_spare)
        {
            _disposed = true;
            if (_path is not null)
            {
                _spare.Push(_path);
                _path = null;
            }

            while (_spare.TryPop(out var path))
            {
                File.Delete(path);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A reply is done with its recording's file: kept for the next utterance if it is still there.</summary>
    internal void GiveBack(string path)
    {
        lock (_spare)
        {
            if (!_disposed && File.Exists(path))
            {
                _spare.Push(path);
                return;
            }
        }

        File.Delete(path);
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
        _wav = null;
    }
}

/// <summary>A finished recording of one utterance, its temporary file owned until it is stored and disposed; then
/// the file goes back to the session's recorder.</summary>
internal sealed class RecordedUtterance(string path, UtteranceRecorder recorder) : IDisposable
{
    public ValueTask<StoredMedia> StoreAsync(IMediaStore store, CancellationToken cancellationToken) =>
        store.SaveFileAsync(path, MediaKind.UserAudio, "wav", cancellationToken);

    public void Dispose() => recorder.GiveBack(path);
}
