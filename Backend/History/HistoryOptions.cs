using Microsoft.Extensions.Options;

namespace RoleplayHub.History;

/// <summary>The history writer and API. Bound from the <c>History</c> section.</summary>
public sealed class HistoryOptions
{
    public const string Section = "History";

    /// <summary>Records waiting for the database, in memory. Beyond it (a long database outage) records go to a
    /// pending file in the data directory instead, and are written once the database is back: never dropped, and the
    /// audio path never waits.</summary>
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Records written per transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Shortest time between two transactions: records arriving meanwhile join the next batch. Under load
    /// a transaction per record (connection, statement generation, commit) cost more than the records themselves
    /// (docs/benchmarks.md); a quiet writer still writes a lone record at once, and a full batch
    /// (<see cref="BatchSize"/>) goes without waiting, so the interval never caps the records written per second.
    /// Zero writes every record at once.</summary>
    public TimeSpan MinBatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First wait after a failed write while the database is unreachable; doubles up to
    /// <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long the writer may take to write what is queued (after the sessions have drained);
    /// whatever is left then goes to a pending file, written at the next start.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This instance's name in the <c>node</c> column (default: the machine name). At start-up a node ends
    /// the sessions a crash left open with reason <c>error</c>: with PostgreSQL only its own, so several nodes can
    /// share one database — give each a name that survives a restart (not a container's random hostname); with SQLite
    /// every open session in the file.</summary>
    public string? NodeId { get; set; }

    /// <summary>Folder for pending and rejected records, relative to the data directory.</summary>
    public string PendingDirectory { get; set; } = "history";

    public int DefaultPageSize { get; set; } = 50;

    public int MaxPageSize { get; set; } = 200;

    /// <summary>Longest date range the statistics endpoint accepts.</summary>
    public TimeSpan MaxStatsRange { get; set; } = TimeSpan.FromDays(366);

    /// <summary>How long an ended session is kept; older ones are erased with the media only they used
    /// (<see cref="HistoryRetentionSweeper"/>). Unset: kept for good. Beside <c>Media:Retention</c>, which removes
    /// local audio unused for that long whatever the history says.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often the retention sweep runs (with <see cref="Retention"/> set).</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    public string Node => string.IsNullOrWhiteSpace(NodeId) ? Environment.MachineName : NodeId.Trim();

    /// <summary>Another node can restore a session this one still runs (scale-out with Redis leases, which sets it;
    /// never from configuration): the writer then checks each batch for sessions taken over. A node that stands alone
    /// never hands a session over, so its batches skip that read.</summary>
    internal bool SessionsMoveBetweenNodes { get; set; }
}

public sealed class ValidateHistoryOptions : IValidateOptions<HistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryOptions o)
    {
        var errors = new List<string>();
        if (o.QueueCapacity < 1 || o.BatchSize < 1)
        {
            errors.Add("History:QueueCapacity and History:BatchSize must be at least 1.");
        }

        if (o.RetryDelay <= TimeSpan.Zero || o.MaxRetryDelay < o.RetryDelay)
        {
            errors.Add("History:RetryDelay must be positive and History:MaxRetryDelay at least as long.");
        }

        if (o.FlushTimeout < TimeSpan.Zero || o.MaxStatsRange <= TimeSpan.Zero)
        {
            errors.Add("History:FlushTimeout must not be negative and History:MaxStatsRange must be positive.");
        }

        if (o.MinBatchInterval < TimeSpan.Zero || o.MinBatchInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add("History:MinBatchInterval must be between 0 and 10 seconds.");
        }

        if (o.DefaultPageSize < 1 || o.MaxPageSize < o.DefaultPageSize)
        {
            errors.Add("History:DefaultPageSize must be at least 1 and History:MaxPageSize at least as large.");
        }

        if (o.Retention is { } retention && retention < TimeSpan.FromMinutes(1))
        {
            errors.Add($"History:Retention must be at least a minute, or unset to keep the history for good (was {retention}).");
        }

        if (o.RetentionSweepInterval <= TimeSpan.Zero)
        {
            errors.Add("History:RetentionSweepInterval must be positive.");
        }

        if (o.Node.Length > 128)
        {
            errors.Add("History:NodeId must be at most 128 characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
