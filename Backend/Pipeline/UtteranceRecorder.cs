using RoleplayHub.Audio;
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
    private static readonly ReadOnlyMemory<byte> HeaderPlaceholder = new byte[WavFile.HeaderSize];

    private FileStream? _file;
    private string? _path; // one per session, reused
    private int _dataBytes;

    public bool HasAudio => _dataBytes > 0;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (pcm16.IsEmpty)
        {
            return;
        }

        if (_file is null)
        {
            if (_path is null)
            {
                Directory.CreateDirectory(tempDirectory);
                _path = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".wav");
            }

            // Create truncates the session's file if it is still there. No FileStream buffer: writes are whole
            // flushes (~32 KB), and a 16 KB buffer per utterance would be garbage.
            _file = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await _file.WriteAsync(HeaderPlaceholder, cancellationToken); // patched on completion
        }

        await _file.WriteAsync(pcm16, cancellationToken);
        _dataBytes += pcm16.Length;
    }

    /// <summary>Finishes the WAV and stores it; null if nothing was recorded.</summary>
    public async ValueTask<StoredMedia?> CompleteAsync(IMediaStore store, CancellationToken cancellationToken)
    {
        if (_file is null || _path is null)
        {
            return null;
        }

        var header = new byte[WavFile.HeaderSize];
        WavFile.WriteHeader(header, AudioFormat.NormalizedSampleRate, 1, _dataBytes);
        _file.Position = 0;
        await _file.WriteAsync(header, cancellationToken);
        await _file.DisposeAsync();
        _file = null;
        _dataBytes = 0;
        return await store.SaveFileAsync(_path, MediaKind.UserAudio, "wav", cancellationToken);
    }

    /// <summary>Throws the recording away (the utterance was silence or invalid); the file is kept for the next one.</summary>
    public async ValueTask DiscardAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
            _file = null;
        }

        _dataBytes = 0;
    }

    /// <summary>Session end: the temporary file goes.</summary>
    public async ValueTask DisposeAsync()
    {
        await DiscardAsync();
        if (_path is not null)
        {
            File.Delete(_path);
            _path = null;
        }
    }
}
