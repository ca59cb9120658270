using Microsoft.Extensions.Logging.Abstractions;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The history journal's write-ahead log: a record is on disk before it is queued, gone once it is written,
/// and left for the next start when the process dies first.</summary>
public sealed class JournalLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "journal-log-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ARecordIsOnDiskUntilItIsWrittenThenItsSegmentIsEmptiedForTheNextAndDeletedAtTheStop()
    {
        var log = new JournalLog(_folder, NullLogger.Instance);
        var first = Entry("s1");
        var second = Entry("s2");

        first = first with { Segment = log.Append(first) };
        second = second with { Segment = log.Append(second) };
        var segment = Assert.Single(Directory.GetFiles(_folder, "wal-*.jsonl"));
        var onDisk = File.ReadAllLines(segment);
        log.Done([first]);
        var afterOne = File.ReadAllLines(segment).Length;
        log.Done([second]);
        var afterBoth = new FileInfo(segment).Length;
        var third = Entry("s3");
        third = third with { Segment = log.Append(third) };
        var reused = File.ReadAllLines(Assert.Single(Directory.GetFiles(_folder, "wal-*.jsonl")));
        log.Done([third]);
        log.Close();

        Assert.Equal(2, onDisk.Length);
        Assert.Contains("\"sessionId\":\"s1\"", onDisk[0], StringComparison.Ordinal);
        Assert.Equal(2, afterOne); // one of its two records is still on its way
        Assert.Equal(0, afterBoth);
        Assert.Contains("\"sessionId\":\"s3\"", Assert.Single(reused), StringComparison.Ordinal); // the same file, from its start
        Assert.Empty(Directory.GetFiles(_folder, "wal-*.jsonl"));
    }

    [Fact]
    public void AFullSegmentIsLeftForANewOneAndDeletedWhenItsLastRecordIsDone()
    {
        var log = new JournalLog(_folder, NullLogger.Instance);
        var big = Entry(new string('x', (int)JournalLog.MaxSegmentBytes));

        big = big with { Segment = log.Append(big) };
        var next = Entry("s2");
        next = next with { Segment = log.Append(next) };
        var segments = Directory.GetFiles(_folder, "wal-*.jsonl").Length;
        log.Done([big]);
        var left = Assert.Single(Directory.GetFiles(_folder, "wal-*.jsonl"));

        Assert.Equal(2, segments);
        Assert.Contains("\"sessionId\":\"s2\"", File.ReadAllText(left), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptySegmentLeftByADeadProcessIsDeletedNotReplayed()
    {
        var dead = new JournalLog(_folder, NullLogger.Instance);
        var entry = Entry("s1");
        dead.Done([entry with { Segment = dead.Append(entry) }]); // written, then the process was killed

        _ = new JournalLog(_folder, NullLogger.Instance);

        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void WhatADeadProcessLeftBecomesAPendingFileForTheNextStart()
    {
        var dead = new JournalLog(_folder, NullLogger.Instance);
        dead.Append(Entry("s1")); // never done: the process was killed

        _ = new JournalLog(_folder, NullLogger.Instance);

        Assert.Empty(Directory.GetFiles(_folder, "wal-*.jsonl"));
        var pending = Assert.Single(Directory.GetFiles(_folder, "pending-*.jsonl"));
        Assert.Contains("\"sessionId\":\"s1\"", File.ReadAllText(pending), StringComparison.Ordinal);
    }

    [Fact]
    public void ATurnAndAReportAreWrittenByTheGeneratedWritersAsTheWebOptionsWouldWriteThem()
    {
        var turn = new JournalEntry(Guid.NewGuid(), "node", Turn: Coaching.ScriptedDrills.EnglishRecords()[1]);
        var end = new JournalEntry(Guid.NewGuid(), "node", End: new SessionEndRecord(Guid.NewGuid(), "s1", "max-turns", 8, DateTimeOffset.UtcNow, Coaching.ScriptedDrills.Report()));

        var log = new JournalLog(_folder, NullLogger.Instance);
        log.Append(turn);
        log.Append(end);
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(_folder, "wal-*.jsonl")));

        Assert.Equal([System.Text.Json.JsonSerializer.Serialize(turn, HistoryJson.Web), System.Text.Json.JsonSerializer.Serialize(end, HistoryJson.Web)], lines);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(end.End!.Report, HistoryJson.Web), ReportJson.Serialize(end.End.Report!));
    }

    private static JournalEntry Entry(string sessionId) =>
        new(Guid.NewGuid(), "node", Start: new SessionStartRecord(Guid.NewGuid(), sessionId, "alice", "procurement-price", "Linda", "en-US", "pcm16", null, DateTimeOffset.UtcNow, 16_000, 1));
}
