using System.Text.Json;

namespace RoleplayHub.History;

/// <summary>
/// The journal's write-ahead log: each record is appended (and flushed to the operating system) as a JSON line under
/// <c>{DataDirectory}/history/wal-*.jsonl</c> before it is queued for the database, so a process that dies at once
/// (SIGKILL, out of memory) still leaves every record a client was told of: the kernel keeps what was written. A
/// segment is deleted once every record in it is in the database (or moved to a pending file); segments a dead
/// process left behind become pending files at the next start and are written again, idempotently.
/// A power loss can still take the last writes (no fsync: that would cost a disk flush per record).
/// </summary>
internal sealed class JournalLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _gate = new();
    private readonly string _folder;
    private Segment? _current;

    public JournalLog(string folder, ILogger logger)
    {
        _folder = folder;
        if (!Directory.Exists(folder))
        {
            return;
        }

        // Before this process appends anything: what is here was left by one that died.
        foreach (var left in Directory.GetFiles(folder, "wal-*.jsonl"))
        {
            var pending = Path.Combine(folder, "pending-" + Path.GetFileName(left));
            File.Move(left, pending, overwrite: true);
            logger.LogWarning("History: {File} was left by a process that did not stop; its records are written again", Path.GetFileName(left));
        }
    }

    /// <summary>Appends the record; returns the segment that holds it, to be passed to <see cref="Done"/>.</summary>
    public Segment Append(JournalEntry entry)
    {
        var line = JsonSerializer.Serialize(entry, Json);
        lock (_gate)
        {
            if (_current is null)
            {
                Directory.CreateDirectory(_folder);
                var name = $"wal-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}.jsonl";
                _current = new Segment(Path.Combine(_folder, name));
            }

            _current.Writer.WriteLine(line);
            _current.Writer.Flush();
            _current.Appended++;
            return _current;
        }
    }

    /// <summary>The records are durable elsewhere now (the database, a pending file): a segment all of whose records
    /// are is closed and deleted, so the log holds only what is still on its way.</summary>
    public void Done(IEnumerable<JournalEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (entry.Segment is not { } segment)
                {
                    continue;
                }

                segment.Done++;
                if (segment.Done >= segment.Appended)
                {
                    segment.Writer.Dispose();
                    File.Delete(segment.Path);
                    if (ReferenceEquals(segment, _current))
                    {
                        _current = null;
                    }
                }
            }
        }
    }

    internal sealed class Segment(string path)
    {
        public string Path { get; } = path;

        public StreamWriter Writer { get; } = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));

        public int Appended { get; set; }

        public int Done { get; set; }
    }
}
