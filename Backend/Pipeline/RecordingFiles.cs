using RoleplayHub.Storage;

namespace RoleplayHub.Pipeline;

/// <summary>
/// The temporary files utterance recordings are written to when the media store keeps its media elsewhere (a bucket;
/// a local store has each recording written where it stays): <c>{DataDirectory}/tmp</c>, shared by every session. A
/// file a recording is done with goes back here and the next recording, of any session, writes over it.
/// </summary>
/// <remarks>
/// Creating and deleting files at the rate turns and sessions come and go is what costs: each create makes ext4 scan
/// its recently deleted inodes, and a file cut to nothing and written again is flushed to disk when it is closed
/// (docs/benchmarks.md, "Where the CPU goes"). So files are kept and written over, never emptied: the recorder cuts a
/// file to its recording's length when it finishes. Spare files are kept up to <see cref="MaxSpare"/>, and go when the
/// service stops. Files a killed process left behind go after a day.
/// </remarks>
public sealed class RecordingFiles : IDisposable
{
    /// <summary>
    /// Spares never outnumber the files once in use at the same time (a session's next recording, a reply's), so they
    /// follow a node's peak; this only bounds it. Sessions started together end together: a smaller pool deleted
    /// most of a wave's files, and the next wave created them again.
    /// </summary>
    internal const int MaxSpare = 4_096;

    private readonly Stack<string> _spare = new();
    private bool _disposed;

    public RecordingFiles(DataDirectory data, TimeProvider time)
        : this(data.Resolve("tmp"))
    {
        RemoveStaleFiles(time.GetUtcNow() - TimeSpan.FromDays(1));
    }

    internal RecordingFiles(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>A spare file to write over, or the name of a new one.</summary>
    public string Rent()
    {
        lock (_spare)
        {
            if (_spare.TryPop(out var spare))
            {
                return spare;
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".wav");
    }

    /// <summary>A recording is done with its file: kept for the next one if it is still there (a store may move it
    /// into place) and there is room.</summary>
    public void Return(string path)
    {
        if (!File.Exists(path))
        {
            return; // moved into place by the store: nothing to keep or delete
        }

        lock (_spare)
        {
            if (!_disposed && _spare.Count < MaxSpare)
            {
                _spare.Push(path);
                return;
            }
        }

        File.Delete(path);
    }

    internal int SpareCount
    {
        get
        {
            lock (_spare)
            {
                return _spare.Count;
            }
        }
    }

    public void Dispose()
    {
        lock (_spare)
        {
            _disposed = true;
            while (_spare.TryPop(out var path))
            {
                File.Delete(path);
            }
        }
    }

    private void RemoveStaleFiles(DateTimeOffset cutoff)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.wav"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff.UtcDateTime)
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // in use or already gone: the next start-up tries again
            }
        }
    }
}
