using System.Text.Json;

namespace RoleplayHub.History;

/// <summary>
/// Records the database could not take in time, as JSON lines under <c>{DataDirectory}/history/</c>:
/// <c>pending-*.jsonl</c> when the queue was full or the service stopped before they were written (written again as
/// soon as the queue drains, or at the next start), and <c>rejected.jsonl</c> for records the database refused while
/// it was otherwise working (kept for a person to look at: a schema or data bug, never silently lost).
/// </summary>
internal sealed class JournalSpill(string folder, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = HistoryJson.Web;

    private readonly Lock _gate = new();
    private StreamWriter? _current;
    private int _appended;

    public string Folder { get; } = folder;

    /// <summary>Records are being saved to a pending file: new records must follow them there, not overtake them
    /// through the queue, until the writer has taken the file.</summary>
    public bool IsSpilling => Volatile.Read(ref _appended) > 0;

    public void Append(JournalEntry entry) => AppendAll([entry]);

    public void AppendAll(IEnumerable<JournalEntry> entries)
    {
        lock (_gate)
        {
            _current ??= Open("pending-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".jsonl");
            foreach (var entry in entries)
            {
                _current.WriteLine(JsonSerializer.Serialize(entry, HistoryJson.Default.JournalEntry));
                _appended++;
            }

            _current.Flush();
        }
    }

    /// <summary>Closes the file being appended to and reads every pending file. Delete them with
    /// <see cref="Delete"/> once their records are written.</summary>
    public (List<JournalEntry> Entries, List<string> Files) TakeAll()
    {
        List<string> files;
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
            Volatile.Write(ref _appended, 0);
            // Listed under the lock: a record appended from now on goes to a new file that this take (and its
            // Delete) does not touch.
            files = Directory.Exists(Folder) ? Directory.GetFiles(Folder, "pending-*.jsonl").Order(StringComparer.Ordinal).ToList() : [];
        }

        var entries = new List<JournalEntry>();
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    entries.Add(JsonSerializer.Deserialize<JournalEntry>(line, Json) ?? throw new JsonException("null record"));
                }
                catch (JsonException ex)
                {
                    // Only the last line of a file can be torn (the process died while appending it).
                    logger.LogWarning(ex, "Skipping an unreadable line in {File}", file);
                }
            }
        }

        return (entries, files);
    }

    public void Delete(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>Keeps a record the database refused, with the reason, in <c>rejected.jsonl</c>.</summary>
    public void Reject(JournalEntry entry, string reason)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(Folder);
            File.AppendAllText(Path.Combine(Folder, "rejected.jsonl"), JsonSerializer.Serialize(new { reason, rejectedAt = DateTime.UtcNow, entry }, Json) + "\n");
        }
    }

    private StreamWriter Open(string name)
    {
        Directory.CreateDirectory(Folder);
        return new StreamWriter(new FileStream(Path.Combine(Folder, name), FileMode.Append, FileAccess.Write, FileShare.Read));
    }
}
