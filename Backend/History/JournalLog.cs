using System.Buffers;
using System.Text.Json;

namespace RoleplayHub.History;

/// <summary>
/// The journal's write-ahead log: each record is appended (and flushed to the operating system) as a JSON line under
/// <c>{DataDirectory}/history/wal-*.jsonl</c> before it is queued for the database, so a process that dies at once
/// (SIGKILL, out of memory) still leaves every record a client was told of: the kernel keeps what was written. A
/// segment is emptied once every record in it is in the database (or moved to a pending file), and the next records
/// go into it again: a new file and a deletion each time would make ext4 scan its recently deleted inodes on every
/// create, at the rate history batches are written. A segment is deleted when it is left behind for a newer one, and
/// when the writer stops. Segments a dead process left behind become pending files at the next start and are written
/// again, idempotently; empty ones hold nothing and go.
/// A power loss can still take the last writes (no fsync: that would cost a disk flush per record).
/// </summary>
internal sealed class JournalLog
{
    /// <summary>A segment that never empties (records always on their way) is left for a new one at this size, and
    /// deleted when its last record is done.</summary>
    internal const long MaxSegmentBytes = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _line = new(4_096); // one record at a time, under the gate
    private readonly Utf8JsonWriter _json;
    private readonly string _folder;
    private Segment? _current;

    public JournalLog(string folder, ILogger logger)
    {
        _folder = folder;
        _json = new Utf8JsonWriter(_line);
        if (!Directory.Exists(folder))
        {
            return;
        }

        // Before this process appends anything: what is here was left by one that died.
        foreach (var left in Directory.GetFiles(folder, "wal-*.jsonl"))
        {
            if (new FileInfo(left).Length == 0)
            {
                File.Delete(left);
                continue;
            }

            var pending = Path.Combine(folder, "pending-" + Path.GetFileName(left));
            File.Move(left, pending, overwrite: true);
            logger.LogWarning("History: {File} was left by a process that did not stop; its records are written again", Path.GetFileName(left));
        }
    }

    /// <summary>Appends the record; returns the segment that holds it, to be passed to <see cref="Done"/>.</summary>
    public Segment Append(JournalEntry entry)
    {
        lock (_gate)
        {
            if (_current is null || _current.Length >= MaxSegmentBytes)
            {
                Directory.CreateDirectory(_folder);
                var name = $"wal-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}.jsonl";
                _current = new Segment(Path.Combine(_folder, name));
            }

            // Serialised straight to UTF-8 in a buffer kept for the next record: one write, no string per record.
            _line.ResetWrittenCount();
            _json.Reset(_line);
            JsonSerializer.Serialize(_json, entry, HistoryJson.Default.JournalEntry);
            _json.Flush();
            _line.Write("\n"u8);
            _current.Write(_line.WrittenSpan);
            _current.Appended++;
            return _current;
        }
    }

    /// <summary>The records are durable elsewhere now (the database, a pending file): a segment all of whose records
    /// are is emptied for the next ones, or deleted if a newer one has taken its place, so the log holds only what is
    /// still on its way.</summary>
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
                if (segment.Done < segment.Appended)
                {
                    continue;
                }

                if (ReferenceEquals(segment, _current))
                {
                    segment.Empty();
                }
                else
                {
                    segment.Delete();
                }
            }
        }
    }

    /// <summary>The writer stops: the current segment goes if every record in it is done.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_current is { } segment && segment.Done >= segment.Appended)
            {
                segment.Delete();
                _current = null;
            }
        }
    }

    internal sealed class Segment(string path)
    {
        // Unbuffered: each record is one write, in the kernel's hands when Append returns.
        private readonly FileStream _file = new(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);

        public string Path { get; } = path;

        public long Length => _file.Position;

        public int Appended { get; set; }

        public int Done { get; set; }

        public void Write(ReadOnlySpan<byte> line) => _file.Write(line);

        /// <summary>Every record in it is done: cut to nothing, written again from the start.</summary>
        public void Empty()
        {
            _file.SetLength(0);
            _file.Position = 0;
            Appended = 0;
            Done = 0;
        }

        public void Delete()
        {
            _file.Dispose();
            File.Delete(Path);
        }
    }
}
