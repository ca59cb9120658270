using Microsoft.Data.Sqlite;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// A session another node restored is that node's in the history. The node that lost it — cut off from Redis but still
/// reaching the database, its copy running on without a client — may still journal turns and an end: they are dropped,
/// and the new node's records stand (docs/deployment.md, "Losing a node"). On SQLite in memory, with the service's own
/// <see cref="HistoryStore"/> and the take-over <see cref="RecordedSessions"/> does.
/// </summary>
public sealed class TakenOverHistoryWritesTests : IAsyncLifetime
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private DbContextOptions<SqliteHistoryDbContext> _options = null!;
    private HistoryStore _store = null!;

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();
        _options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(_connection).Options;
        await using var db = new SqliteHistoryDbContext(_options);
        await db.Database.EnsureCreatedAsync();
        _store = Store(sessionsMove: true);
    }

    public Task DisposeAsync() => _connection.DisposeAsync().AsTask();

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a batch written again (after an uncertain failure, or from a pending file) takes the slower path
    public async Task TurnsAndTheEndFromTheNodeThatLostTheSessionAreDroppedAndTheNewNodesStand(bool idempotent)
    {
        var key = Guid.NewGuid();
        await _store.WriteAsync([Start(key, "node-a"), Turn(key, "node-a", 1, "from node a")], idempotent, CancellationToken.None);
        var lost = new LostSession(key, "node-a", "procurement-price", "en-US", DateTimeOffset.UtcNow, "{}");
        var recorded = await new RecordedSessions(new Contexts(_options), Options.Create(new HistoryOptions { NodeId = "node-b" }), NullLogger<RecordedSessions>.Instance)
            .TakeOverAsync(lost, CancellationToken.None);

        await _store.WriteAsync([Turn(key, "node-a", 2, "stale, from node a")], idempotent, CancellationToken.None);
        await _store.WriteAsync([Turn(key, "node-b", 2, "from node b"), End(key, "node-a")], idempotent, CancellationToken.None);

        await using var db = new SqliteHistoryDbContext(_options);
        var turns = await db.Turns.AsNoTracking().Where(t => t.SessionKey == key).OrderBy(t => t.Index).Select(t => new { t.Index, t.AiText }).ToListAsync();
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Key == key);
        Assert.Equal([1], recorded!.Select(t => t.Turn));
        Assert.Equal(new (int, string?)[] { (1, "from node a"), (2, "from node b") }, turns.Select(t => (t.Index, t.AiText)));
        Assert.Equal(("node-b", SessionStatus.Active), (session.Node, session.Status));
    }

    [Fact]
    public async Task ANodesOwnTurnsOfASessionStartedInTheSameBatchAreWritten()
    {
        var key = Guid.NewGuid();

        await _store.WriteAsync([Start(key, "node-a"), Turn(key, "node-a", 0, "opening line"), Turn(key, "node-a", 1, "reply")], idempotent: false, CancellationToken.None);

        await using var db = new SqliteHistoryDbContext(_options);
        Assert.Equal(2, await db.Turns.CountAsync(t => t.SessionKey == key));
    }

    [Fact]
    public async Task ANodeThatStandsAloneWritesABatchOfTurnsWithoutReadingWhoOwnsTheirSessions()
    {
        var key = Guid.NewGuid();
        await _store.WriteAsync([Start(key, "node-a")], idempotent: false, CancellationToken.None);
        var reads = new CountedReads();
        var alone = new HistoryStore(new Contexts(new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(_connection).AddInterceptors(reads).Options), Options.Create(new HistoryOptions()), NullLogger<HistoryStore>.Instance);

        await alone.WriteAsync([Turn(key, "node-a", 0, "opening line"), Turn(key, "node-a", 1, "reply")], idempotent: false, CancellationToken.None);

        await using var db = new SqliteHistoryDbContext(_options);
        Assert.Equal(2, await db.Turns.CountAsync(t => t.SessionKey == key));
        Assert.Equal(0, reads.Count);
    }

    private HistoryStore Store(bool sessionsMove) =>
        new(new Contexts(_options), Options.Create(new HistoryOptions { SessionsMoveBetweenNodes = sessionsMove }), NullLogger<HistoryStore>.Instance);

    private static JournalEntry Start(Guid key, string node) =>
        new(key, node, Start: new SessionStartRecord(key, "s-" + key.ToString("N")[..8], "alice", "procurement-price", "Linda Park", "en-US", "pcm16", null, DateTimeOffset.UtcNow, 16_000, 1));

    private static JournalEntry Turn(Guid key, string node, int turn, string reply) =>
        new(key, node, Turn: new TurnRecord
        {
            HistoryKey = key, SessionId = "s-" + key.ToString("N")[..8], Turn = turn, UserText = "what is the price", AiText = reply,
            StartedAt = DateTimeOffset.UtcNow, CompletedAt = DateTimeOffset.UtcNow,
        });

    private static JournalEntry End(Guid key, string node) =>
        new(key, node, End: new SessionEndRecord(key, "s-" + key.ToString("N")[..8], "error", 1, DateTimeOffset.UtcNow));

    /// <summary>Counts the queries that read rows (the turns' inserts are not readers).</summary>
    private sealed class CountedReads : DbCommandInterceptor
    {
        public int Count { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Count++;
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private sealed class Contexts(DbContextOptions<SqliteHistoryDbContext> options) : IDbContextFactory<HistoryDbContext>
    {
        public HistoryDbContext CreateDbContext() => new SqliteHistoryDbContext(options);
    }
}
