using System.Buffers.Binary;
using System.Security.Cryptography;
using RoleplayHub.Storage;

namespace RoleplayHub.Bench.Recording;

/// <summary>
/// The user-audio recorder as it was before NAudio (commit 6faa13f): a hand-written 44-byte header, asynchronous
/// unbuffered writes, the header patched on completion. Kept only as the benchmark's baseline.
/// </summary>
internal sealed class PreviousRecorder(string tempDirectory)
{
    private static readonly ReadOnlyMemory<byte> HeaderPlaceholder = new byte[44];

    private FileStream? _file;
    private string? _path;
    private int _dataBytes;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            if (_path is null)
            {
                Directory.CreateDirectory(tempDirectory);
                _path = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".wav");
            }

            _file = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await _file.WriteAsync(HeaderPlaceholder, cancellationToken);
        }

        await _file.WriteAsync(pcm16, cancellationToken);
        _dataBytes += pcm16.Length;
    }

    public async ValueTask<StoredMedia?> CompleteAsync(IMediaStore store, CancellationToken cancellationToken)
    {
        if (_file is null || _path is null)
        {
            return null;
        }

        var header = new byte[44];
        WriteHeader(header, 16_000, 1, _dataBytes);
        _file.Position = 0;
        await _file.WriteAsync(header, cancellationToken);
        await _file.DisposeAsync();
        _file = null;
        _dataBytes = 0;
        return await store.SaveFileAsync(_path, MediaKind.UserAudio, "wav", RandomNumberGenerator.GetBytes(16), cancellationToken);
    }

    public void Delete()
    {
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }

    private static void WriteHeader(Span<byte> destination, int sampleRate, int channels, int dataBytes)
    {
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(destination[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(destination[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(destination[32..], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(destination[34..], 16);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], dataBytes);
    }
}
