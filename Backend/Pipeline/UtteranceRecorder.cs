using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
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
/// <para>A recording in progress is a file handle and a length, written at offsets. NAudio's <c>WaveFileWriter</c>
/// needs a stream, and a <c>FileStream</c> and the writer over it were eight objects that lived for the utterance's
/// seconds, so every young collection copied them (docs/benchmarks.md, "What a young collection copies"). The header,
/// the one NAudio writes (<see cref="WavFile.WriteHeader"/>), goes in one write at the end, when the sizes are known.</para>
/// </remarks>
internal sealed class UtteranceRecorder(RecordingFiles files, IMediaStore store) : IAsyncDisposable
{
    private SafeFileHandle? _file;
    private long _length; // bytes of samples written after the header
    private string? _path;
    private byte[]? _name;
    private bool _inPlace; // _path is the store's file for _name, not a shared one

    public bool HasAudio => _length > 0;

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

        // OpenOrCreate writes over what the file held (a recording thrown away, or a spare); the header's place is
        // written last, when the sizes are known.
        _file ??= Open();
        RandomAccess.Write(_file, pcm16, WavFile.HeaderSize + _length);
        _length += pcm16.Length;
    }

    /// <summary>
    /// Finishes the WAV (its header, with the sizes), cuts off what an earlier, longer recording left behind it, and
    /// hands its file over, so the reply can store it while the next utterance records into another file; null if
    /// nothing was recorded.
    /// </summary>
    public RecordedUtterance? Finish()
    {
        if (_file is null || _path is null)
        {
            return null;
        }

        var end = WavFile.HeaderSize + _length;
        if (RandomAccess.GetLength(_file) > end)
        {
            RandomAccess.SetLength(_file, end);
        }

        Span<byte> header = stackalloc byte[WavFile.HeaderSize];
        WavFile.WriteHeader(header, checked((int)_length), AudioFormat.NormalizedSampleRate);
        RandomAccess.Write(_file, header, 0);
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
        Close(); // dropped unfinished: the next recording writes its own header and length
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

    private SafeFileHandle Open()
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

        static SafeFileHandle Create(string path) => File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
        _length = 0;
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
