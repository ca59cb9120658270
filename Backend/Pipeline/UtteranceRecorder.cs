using System.Security.Cryptography;
using NAudio.Wave;
using RoleplayHub.Audio;
using RoleplayHub.Core;
using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// Writes the user's own audio of one utterance (16 kHz mono WAV) to a file as it is decoded, so a session never holds
/// a whole utterance in memory; on completion the file goes to the media store.
/// </summary>
/// <remarks>
/// A recording is named (random bytes) when it starts. A store that keeps files locally says where that name's file
/// goes (<see cref="IMediaStore.PlaceFor"/>), and the recording is written there: storing it moves nothing. Otherwise
/// it is written to one of the shared <see cref="RecordingFiles"/>, and goes back to them when the store (a bucket's
/// upload) leaves it behind. A finished recording goes to the reply, which stores it while the next utterance records
/// into another file. A file is written over from its start and cut to the recording's length when it finishes, never
/// emptied first: ext4 flushes a file emptied and written again to disk when it is closed.
/// </remarks>
internal sealed class UtteranceRecorder(RecordingFiles files, IMediaStore store) : IAsyncDisposable
{
    private static readonly WaveFormat Format = WavFile.Pcm16(AudioFormat.NormalizedSampleRate);

    private FileStream? _file;
    private WaveFileWriter? _wav;
    private string? _path;
    private byte[]? _name;
    private bool _inPlace; // _path is the store's file for _name, not a shared one

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
            // OpenOrCreate writes over what the file held (a recording thrown away, or a spare). The small buffer
            // gathers the header's fields (NAudio writes them one by one) into one write; the audio, larger than the
            // buffer, goes straight through, and a full-size buffer per utterance would only be garbage.
            _file = Open();
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
        var recording = new RecordedUtterance(_path, _inPlace ? null : files, _name!);
        _path = null;
        _name = null;
        return recording;
    }

    /// <summary>Throws the recording away (the utterance was silence or invalid); the next one writes over its file,
    /// under the same name: no key has named it yet.</summary>
    public void Discard()
    {
        Close(); // the writer is dropped unfinished: its header is rewritten by the next one
    }

    /// <summary>Session end: a file of the store's that was never stored is deleted; a shared one goes back (one still
    /// with a reply goes when the reply is done with it).</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        if (_path is not null)
        {
            if (_inPlace)
            {
                File.Delete(_path);
            }
            else
            {
                files.Return(_path);
            }

            _path = null;
        }

        return ValueTask.CompletedTask;
    }

    private FileStream Open()
    {
        if (_path is null)
        {
            // A name of its own, not its content's hash: no two recordings of a voice are the same bytes, so hashing
            // every byte of every recording to find a copy to share was work that never paid.
            _name = RandomNumberGenerator.GetBytes(RecordedUtterance.NameLength);
            _path = store.PlaceFor(MediaKind.UserAudio, _name, RecordedUtterance.Extension);
            _inPlace = _path is not null;
            _path ??= files.Rent();
        }

        try
        {
            return Create(_path);
        }
        catch (DirectoryNotFoundException) when (_inPlace)
        {
            // The store's folder was removed behind its back: this recording goes through a shared file, whose
            // store makes the folder again.
            _path = files.Rent();
            _inPlace = false;
            return Create(_path);
        }

        static FileStream Create(string path) => new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: WavFile.HeaderSize);
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
        _wav = null;
    }
}

/// <summary>A finished recording of one utterance, stored under <paramref name="name"/> (random bytes of its own).
/// Its file is either the store's own (<paramref name="files"/> null), deleted if the recording is never stored, or
/// a shared one, owned until it is stored and disposed and then given back.</summary>
internal sealed class RecordedUtterance(string path, RecordingFiles? files, byte[] name) : IDisposable
{
    /// <summary>128 random bits: unguessable, and never the same twice.</summary>
    public const int NameLength = 16;

    public const string Extension = "wav";

    private bool _stored;

    public async ValueTask<StoredMedia> StoreAsync(IMediaStore store, CancellationToken cancellationToken)
    {
        var stored = await store.SaveFileAsync(path, MediaKind.UserAudio, Extension, name, cancellationToken);
        _stored = true;
        return stored;
    }

    public void Dispose()
    {
        if (files is not null)
        {
            files.Return(path);
        }
        else if (!_stored)
        {
            File.Delete(path); // no key names it
        }
    }
}
