using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.SqlServer.Storage.Internal;
using Microsoft.Extensions.Options;
using Npgsql;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// The history writer's database work: a batch of journal records in one transaction, the start-up recovery of
/// sessions a crash left open, and the check that tells an outage (wait and retry) from a refused record (set aside).
/// </summary>
internal sealed class HistoryStore(IDbContextFactory<HistoryDbContext> contexts, IOptions<HistoryOptions> options, ILogger<HistoryStore> logger)
{
    private static readonly Dictionary<Guid, string> NoneTakenOver = [];
    private readonly bool _sessionsMove = options.Value.SessionsMoveBetweenNodes;

    /// <summary>Writes <paramref name="entries"/> (sorted start → turn → end) in one transaction. With
    /// <paramref name="idempotent"/>, records already in the database are skipped, so a batch whose first attempt
    /// failed at an uncertain point, or a pending file written before, can be written again safely.</summary>
    public async Task WriteAsync(IReadOnlyList<JournalEntry> entries, bool idempotent, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rowNodes = _sessionsMove ? await RowNodesOfTurnsAsync(db, entries, cancellationToken) : NoneTakenOver;
        if (idempotent || entries.Any(e => e.Turn is { Revision: true }))
        {
            await WriteTrackedAsync(db, entries, idempotent, rowNodes, cancellationToken);
        }
        else
        {
            await WriteNewAsync(db, entries, rowNodes, cancellationToken);
        }
    }

    /// <summary>The common batch, only new records: every row written by a statement of its own (SessionRows,
    /// TurnInserts), past the change tracker.</summary>
    private async Task WriteNewAsync(HistoryDbContext db, IReadOnlyList<JournalEntry> entries, Dictionary<Guid, string> rowNodes, CancellationToken cancellationToken)
    {
        var starts = new List<HistorySession>();
        var turns = new List<HistoryTurn>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Start is { } start)
            {
                starts.Add(ToEntity(entry.Key, entry.Node, start));
            }
            else if (entry.Turn is { } turn && !TakenOver(rowNodes, entry, turn))
            {
                turns.Add(ToEntity(entry.Key, turn));
            }
        }

        // Sessions first: the turns refer to them, and the ends update them.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await SessionRows.InsertAsync(db, starts, cancellationToken);
        await TurnInserts.InsertAsync(db, turns, cancellationToken);
        var ends = entries.Where(e => e.End is not null)
            .Select(e => new SessionEnd(e.Key, e.End!.SessionId, e.Node, Utc(e.End.EndedAt), Fit(e.End.Reason, 32), e.End.TotalTurns, Report(e.End), Scores(e.End))).ToList();
        foreach (var end in await SessionRows.EndAsync(db, ends, cancellationToken))
        {
            // Nothing changed: the row is missing, or it is another node's.
            var owner = await db.Sessions.AsNoTracking().Where(s => s.Key == end.Key).Select(s => s.Node).FirstOrDefaultAsync(cancellationToken);
            EndFoundNoRow(end.Key, end.SessionId, end.Node, owner);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A batch that may hold records already written (<paramref name="idempotent"/>) or a turn replacing an
    /// earlier one: through the change tracker, which looks for existing rows.</summary>
    private async Task WriteTrackedAsync(HistoryDbContext db, IReadOnlyList<JournalEntry> entries, bool idempotent, Dictionary<Guid, string> rowNodes, CancellationToken cancellationToken)
    {
        // Entities are only added, and one session per end entry is changed: one scan before saving is enough. With
        // automatic detection every `Local` lookup scanned the whole batch again.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var entry in entries)
        {
            var key = entry.Key;
            if (entry.Start is { } start)
            {
                if (!idempotent || !await db.Sessions.AnyAsync(s => s.Key == key, cancellationToken))
                {
                    db.Sessions.Add(ToEntity(key, entry.Node, start));
                }
            }
            else if (entry.Turn is { } turn)
            {
                if (TakenOver(rowNodes, entry, turn))
                {
                    continue;
                }

                if (turn.Revision)
                {
                    // A retried turn: its new record replaces the failed one (one row per turn, unique index).
                    var earlier = db.Turns.Local.FirstOrDefault(t => t.SessionKey == key && t.Index == turn.Turn)
                        ?? await db.Turns.FirstOrDefaultAsync(t => t.SessionKey == key && t.Index == turn.Turn, cancellationToken);
                    if (earlier is not null)
                    {
                        db.Turns.Remove(earlier);
                    }

                    db.Turns.Add(ToEntity(key, turn));
                }
                else if (!idempotent || !await db.Turns.AnyAsync(t => t.SessionKey == key && t.Index == turn.Turn, cancellationToken))
                {
                    db.Turns.Add(ToEntity(key, turn));
                }
            }
            else if (entry.End is { } end)
            {
                var session = db.Sessions.Local.FirstOrDefault(s => s.Key == key)
                    ?? await db.Sessions.FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
                if (session is null || session.Node != entry.Node)
                {
                    EndFoundNoRow(key, end.SessionId, entry.Node, session?.Node);
                    continue;
                }

                session.Status = SessionStatus.Ended;
                session.EndedAt = Utc(end.EndedAt);
                session.EndReason = Fit(end.Reason, 32);
                session.TotalTurns = end.TotalTurns;
                session.Report = Report(end);
                session.ReportScores = Scores(end);
            }
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>True (and logged) when another node restored the turn's session after this one lost its lease (cut off
    /// from Redis): its copy here ran on without a client, and only the new node's turns are the session's.</summary>
    private bool TakenOver(Dictionary<Guid, string> rowNodes, JournalEntry entry, TurnRecord turn)
    {
        if (!rowNodes.TryGetValue(entry.Key, out var owner) || owner == entry.Node)
        {
            return false;
        }

        logger.LogWarning("History: turn {Turn} of session {SessionId} ({Key}) by node {Node} is dropped: node {Owner} took it over",
            turn.Turn, turn.SessionId, entry.Key, entry.Node, owner);
        return true;
    }

    /// <summary>An end that found no row of its node: a session missing from the history is an error (the batch is
    /// refused and set aside); one another node restored after this one lost its lease is that node's to end.</summary>
    private void EndFoundNoRow(Guid key, string sessionId, string node, string? owner)
    {
        if (owner is null)
        {
            throw new InvalidOperationException($"The session {sessionId} ({key}) is not in the history.");
        }

        logger.LogWarning("History: the end of session {SessionId} ({Key}) by node {Node} is ignored: node {Owner} took it over",
            sessionId, key, node, owner);
    }

    private static string? Report(SessionEndRecord end) => end.Report is null ? null : ReportJson.Serialize(end.Report);

    private static string? Scores(SessionEndRecord end) => end.Report is null ? null : ReportJson.SerializeScores(end.Report);

    /// <summary>The sessions of the batch's turns recorded under another node than the turn's (sessions started in
    /// this batch are not there yet, and are this node's): one indexed read per batch, made only where sessions can
    /// move between nodes (<see cref="HistoryOptions.SessionsMoveBetweenNodes"/>), which finds no row unless a session
    /// was taken over. Its keys travel as one array parameter, so the statement is translated once, not once
    /// per batch size; and only the rare foreign rows are read.</summary>
    private static async Task<Dictionary<Guid, string>> RowNodesOfTurnsAsync(HistoryDbContext db, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var keys = new List<Guid>();
        string? node = null;
        var oneNode = true;
        foreach (var entry in entries)
        {
            if (entry.Turn is null)
            {
                continue;
            }

            keys.Add(entry.Key);
            oneNode &= node is null || node == entry.Node;
            node = entry.Node;
        }

        if (keys.Count == 0)
        {
            return [];
        }

        var sessions = db.Sessions.AsNoTracking().Where(s => EF.Parameter(keys).Contains(s.Key));
        if (oneNode)
        {
            sessions = sessions.Where(s => s.Node != node);
        }

        return await sessions.ToDictionaryAsync(s => s.Key, s => s.Node, cancellationToken);
    }

    /// <summary>A failure worth waiting out rather than a refusal: a lock held by another writer (SQLite busy or
    /// locked), a connection or server the provider says is transient, a timeout.</summary>
    public static bool IsTransient(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 5 or 6 } or NpgsqlException { IsTransient: true } or TimeoutException || IsTransientOnSqlServer(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// SqlClient does not say which of its errors are transient (SqlException.IsTransient is never set), so this asks
    /// EF Core's SQL Server provider: the error numbers its retrying strategy (<c>EnableRetryOnFailure</c>) retries —
    /// deadlock victim, dropped connections, Azure SQL throttling and fail-over. A command timeout (-2) is added: EF
    /// leaves it out because the command may have completed, but the writer's retries are idempotent. A server that
    /// refuses the connection is not on the list; the writer's connection check then finds the outage.
    /// </summary>
    private static bool IsTransientOnSqlServer(Exception e)
    {
        if (e is not SqlException sql)
        {
            return false;
        }

        // EF1001: a public type in an internal namespace (no compatibility promise between EF releases). It is EF's own
        // list, kept up to date with Azure SQL's codes; SqlServerTransientErrorTests pin what it must keep answering.
#pragma warning disable EF1001
        return sql.Number == -2 || SqlServerTransientExceptionDetector.ShouldRetryOn(sql);
#pragma warning restore EF1001
    }

    /// <summary>Null when the database takes writes; else what stops it (unreachable, or not migrated: records then
    /// wait rather than being refused).</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return $"cannot connect to the {Describe(db)} database: {await ConnectionProblemAsync(db, cancellationToken)}";
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? null
                : $"{pending.Count} migration(s) not applied to the {Describe(db)} database ({string.Join(", ", pending)}): see docs/history.md";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.Message;
        }
    }

    /// <summary>Why the connection fails, from the driver itself (EF's check only says that it does).</summary>
    private static async Task<string> ConnectionProblemAsync(HistoryDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            await connection.CloseAsync();
            return "the connection failed once and then worked";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.GetBaseException().Message;
        }
    }

    /// <summary>Ends the sessions still <c>active</c> at start-up — the previous process died without ending them —
    /// with reason <c>error</c>, at the time of their last completed turn: those of <paramref name="node"/>, or all
    /// when it is null.</summary>
    public async Task<int> RecoverAsync(string? node, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var orphans = await Orphans(db, node).ToListAsync(cancellationToken);
        foreach (var orphan in orphans)
        {
            orphan.Session.Status = SessionStatus.Ended;
            orphan.Session.EndReason = "error";
            orphan.Session.EndedAt = orphan.LastTurn ?? orphan.Session.StartedAt;
            orphan.Session.TotalTurns = orphan.Replies;
            logger.LogWarning("Session {SessionId} ({Key}) was left open by an unclean stop; ended with reason error after {Turns} recorded turns",
                orphan.Session.SessionId, orphan.Session.Key, orphan.Replies);
        }

        await db.SaveChangesAsync(cancellationToken);
        return orphans.Count;
    }

    /// <summary>The recovery's query (tracked: the sessions are ended in place), apart so tests can translate it.</summary>
    internal static IQueryable<OrphanedSession> Orphans(HistoryDbContext db, string? node) => db.Sessions
        .Where(s => s.Status == SessionStatus.Active && (node == null || s.Node == node))
        .Select(s => new OrphanedSession(
            s,
            s.Turns.Max(t => (DateTime?)t.CompletedAt),
            s.Turns.Count(t => t.Index > 0 && t.AiText != null)));

    internal sealed record OrphanedSession(HistorySession Session, DateTime? LastTurn, int Replies);

    private static HistorySession ToEntity(Guid key, string node, SessionStartRecord start) => new()
    {
        Key = key,
        SessionId = Fit(start.SessionId, 64),
        UserId = Fit(start.UserId, 450),
        ScenarioId = Fit(start.ScenarioId, 128),
        PersonaName = Fit(start.PersonaName, 256),
        Language = Fit(start.Language, 35),
        AudioFormat = Fit(start.AudioFormat, 16),
        SampleRate = start.SampleRate,
        Channels = start.Channels,
        ModelProfile = start.ModelProfile is null ? null : Fit(start.ModelProfile, 128),
        Status = SessionStatus.Active,
        StartedAt = Utc(start.StartedAt),
        Node = Fit(node, 128),
        ResumeSettings = start.ResumeSettings is { Length: <= 1024 } settings ? settings : null, // longer: not restorable, never refused
    };

    private static HistoryTurn ToEntity(Guid key, TurnRecord turn) => new()
    {
        SessionKey = key,
        Index = turn.Turn,
        UserText = turn.UserText,
        Words = [.. turn.Words.Select(w => new TurnWord { Word = w.Word, StartMs = w.StartMs, EndMs = w.EndMs })],
        AiText = turn.AiText,
        UserAudioKey = turn.UserAudioKey is null ? null : Fit(turn.UserAudioKey, 256),
        AvatarSegments = [.. turn.AvatarSegments.Select(s => new TurnAvatarSegment
        {
            Segment = s.Segment,
            Text = s.Text,
            AudioKey = s.AudioKey,
            VideoUrl = s.VideoUrl,
            DurationMs = s.DurationMs,
            MimeType = s.MimeType,
        })],
        QueueMs = turn.QueueMs,
        SttMs = turn.SttMs,
        AiMs = turn.AiMs,
        TtsMs = turn.TtsMs,
        StoreMs = turn.StoreMs,
        TotalMs = turn.TotalMs,
        Interrupted = turn.Interrupted,
        PlayedMs = turn.PlayedMs,
        TranscriptMs = turn.TranscriptMs,
        FirstTokenMs = turn.FirstTokenMs,
        FirstAudioMs = turn.FirstAudioMs,
        Errors = [.. turn.Errors],
        ErrorCount = turn.Errors.Count,
        StartedAt = Utc(turn.StartedAt),
        CompletedAt = Utc(turn.CompletedAt),
    };

    /// <summary>UTC, to the microsecond: what PostgreSQL keeps, so both providers store (and page by) the same value.</summary>
    private static DateTime Utc(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    /// <summary>Identifiers longer than their column are cut rather than refused: the record matters more.</summary>
    private static string Fit(string value, int max) => value.Length <= max ? value : value[..max];

    private static string Describe(HistoryDbContext db) => db switch
    {
        SqliteHistoryDbContext => "SQLite",
        PostgresHistoryDbContext => "PostgreSQL",
        SqlServerHistoryDbContext => "SQL Server",
        _ => db.GetType().Name,
    };
}
