using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace RoleplayHub.History;

/// <summary>
/// The session journal: the pipeline's calls queue a record and return at once (never a database round trip on the
/// audio path), and this background service writes the queue in batches — a session's row when it starts, each turn
/// when it completes, the end when it ends — so a crash loses at most the turn in flight.
/// <para>Nothing is dropped. While the database is unreachable records wait in the queue (retried with back-off);
/// when the queue is full they go to a pending file, as they do if the service stops before they are written; pending
/// files are written when the queue drains or at the next start. Records the database refuses while it works are set
/// aside in <c>rejected.jsonl</c> with the reason.</para>
/// <para>On shutdown the session manager drains first (from <c>ApplicationStopping</c>, which journals every
/// session's end) and this service stops last (it is registered before the session manager, and hosted services stop
/// in reverse order), writing everything queued within <see cref="HistoryOptions.FlushTimeout"/>.</para>
/// </summary>
internal sealed partial class HistoryWriter : BackgroundService, ISessionJournal
{
    private readonly Channel<JournalEntry> _queue;
    private readonly CancellationTokenSource _giveUp = new();
    private readonly HistoryStore _store;
    private readonly JournalSpill _spill;
    private readonly JournalLog _log;
    private readonly HistoryMetrics _metrics;
    private readonly HistoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly string? _recoverNode;
    private volatile string? _failure;
    private volatile bool _stopping;
    private DateTimeOffset _lastSpillWarning;

    public HistoryWriter(
        HistoryStore store,
        HistoryMetrics metrics,
        IOptions<HistoryOptions> options,
        IOptions<DatabaseOptions> database,
        Storage.DataDirectory data,
        TimeProvider time,
        ILogger<HistoryWriter> logger)
    {
        // An embedded SQLite file belongs to one service: everything open in it was left by this service. A shared
        // server database (PostgreSQL, SQL Server) holds other nodes' live sessions: only this node's are ours to close.
        _recoverNode = database.Value.Provider == DatabaseOptions.Sqlite ? null : options.Value.Node;
        _store = store;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _spill = new JournalSpill(data.Resolve(_options.PendingDirectory), logger);
        _log = new JournalLog(data.Resolve(_options.PendingDirectory), logger);
        _queue = Channel.CreateBounded<JournalEntry>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true });
        metrics.ObserveQueue(() => _queue.Reader.Count);
    }

    /// <summary>Null while writes succeed; else why the last write could not be done (the database is unreachable or
    /// not migrated), for the readiness probe.</summary>
    public string? Failure => _failure;

    public int Queued => _queue.Reader.Count;

    public string PendingFolder => _spill.Folder;

    // ---- ISessionJournal: called on the hub and pipeline threads; must return at once ---------------------------------

    // Records carry the session instance's HistoryKey, so a client reusing a sessionId right after an end cannot
    // make records of the old and the new session meet.
    public void SessionStarted(SessionStartRecord record) => Enqueue(new JournalEntry(record.HistoryKey, _options.Node, Start: record));

    public void TurnCompleted(TurnRecord record) => Enqueue(new JournalEntry(record.HistoryKey, _options.Node, Turn: record));

    public void SessionEnded(SessionEndRecord record) => Enqueue(new JournalEntry(record.HistoryKey, _options.Node, End: record));

    private void Enqueue(JournalEntry entry)
    {
        // Once records spill, later ones follow them into the file so none overtakes an earlier one of its session.
        if (!_spill.IsSpilling)
        {
            try
            {
                entry = entry with { Segment = _log.Append(entry) };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "History: the write-ahead log in {Folder} is not writable; the record is queued without it", _spill.Folder);
            }

            if (_queue.Writer.TryWrite(entry))
            {
                return;
            }
        }

        try
        {
            _spill.Append(entry);
            _log.Done([entry]);
            _queue.Writer.TryWrite(JournalEntry.WakeUp); // an idle writer would not look at the file otherwise
            _metrics.Spilled.Add(1);
            var now = _time.GetUtcNow();
            if (now - _lastSpillWarning > TimeSpan.FromMinutes(1))
            {
                _lastSpillWarning = now;
                LogSpilling(_options.QueueCapacity, _spill.Folder, _failure ?? (_stopping ? "the service is stopping" : "the database is slower than the sessions"));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The last resort: the log line carries the record itself.
            _metrics.Lost.Add(1);
            _logger.LogCritical(ex, "History record lost (queue full and {Folder} not writable): {Record}", _spill.Folder, System.Text.Json.JsonSerializer.Serialize(entry));
        }
    }

    // ---- the background loop ------------------------------------------------------------------------------------------

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // stoppingToken is ignored on purpose: stopping means "write what is queued"; _giveUp ends it early.
        var giveUp = _giveUp.Token;
        var batch = new List<JournalEntry>(_options.BatchSize);
        try
        {
            await ReplayPendingAsync(giveUp);
            await RecoverAsync(giveUp);
            var reader = _queue.Reader;
            var lastWrite = 0L;
            while (await reader.WaitToReadAsync(giveUp))
            {
                // Let a burst gather into one transaction; a full batch goes at once, so the interval paces the
                // transactions without capping the records written per second. Real time on purpose: this paces the
                // database, and a test's manual clock (which drives the sessions) must not hold the history back.
                var sinceLastWrite = TimeProvider.System.GetElapsedTime(lastWrite);
                if (lastWrite != 0 && sinceLastWrite < _options.MinBatchInterval && !_stopping && reader.Count < _options.BatchSize)
                {
                    await Task.Delay(_options.MinBatchInterval - sinceLastWrite, giveUp);
                }

                while (batch.Count < _options.BatchSize && reader.TryRead(out var entry))
                {
                    if (!ReferenceEquals(entry, JournalEntry.WakeUp))
                    {
                        batch.Add(entry);
                    }
                }

                if (batch.Count > 0)
                {
                    lastWrite = TimeProvider.System.GetTimestamp();
                    await WriteAsync(batch, giveUp);
                    batch.Clear();
                }

                if (reader.Count == 0 && _spill.IsSpilling)
                {
                    await ReplayPendingAsync(giveUp);
                }
            }

            // Records that arrived after the queue closed went to a pending file: write them now.
            await ReplayPendingAsync(giveUp);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var entry))
            {
                if (!ReferenceEquals(entry, JournalEntry.WakeUp))
                {
                    batch.Add(entry);
                }
            }

            if (batch.Count > 0)
            {
                try
                {
                    _spill.AppendAll(batch);
                    _log.Done(batch);
                    _metrics.Spilled.Add(batch.Count);
                    _logger.LogWarning("History: {Count} records were not written before the stop; saved to {Folder}, written at the next start", batch.Count, _spill.Folder);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _metrics.Lost.Add(batch.Count);
                    _logger.LogCritical(ex, "History: {Count} records lost at the stop ({Folder} not writable): {Records}",
                        batch.Count, _spill.Folder, System.Text.Json.JsonSerializer.Serialize(batch));
                }
            }
        }

        _log.Close(); // every record is written or in a pending file
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } running)
        {
            try
            {
                await running.WaitAsync(_options.FlushTimeout, _time, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                await _giveUp.CancelAsync();
            }
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _giveUp.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Error, "History database unavailable ({Problem}); records wait in the queue and are retried")]
    private partial void LogUnavailable(Exception exception, string problem);

    [LoggerMessage(LogLevel.Error, "History: the database refused the {Record}; kept in {Folder}/rejected.jsonl")]
    private partial void LogRejected(Exception exception, string record, string folder);

    [LoggerMessage(LogLevel.Warning, "History queue full ({Capacity} records): new records go to {Folder} until the database catches up ({Reason})")]
    private partial void LogSpilling(int capacity, string folder, string reason);
}
