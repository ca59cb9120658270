using System.Buffers;
using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The hand-written turn INSERT must keep up with the model: a column added to <c>turns</c> and not to the
/// statement would be silently left empty, and JSON that EF Core cannot read back would lose the turn's words.</summary>
public sealed class TurnInsertsTests : IDisposable
{
    private readonly OfflineHistoryContexts _contexts = new();

    public void Dispose() => _contexts.Dispose();

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheTurnInsertNamesEveryColumnOfTheTurnsTableButTheGeneratedId(string provider)
    {
        using var db = _contexts.Create(provider);

        var sql = TurnInserts.Statement.Build(db).Sql;

        ModelStatements.AssertInsertsEveryColumnButTheGeneratedId(db, "turns", sql);
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void EveryPlaceholderOfTheTurnInsertGetsAParameterOfTheProvidersDriver(string provider)
    {
        using var db = _contexts.Create(provider);
        var statement = TurnInserts.Statement.Build(db);
        using var command = db.Database.GetDbConnection().CreateCommand();

        statement.Bind(command, Turn(Guid.NewGuid()), new ArrayBufferWriter<byte>());

        ModelStatements.AssertEveryPlaceholderHasADriverParameter(statement.Sql, command);
    }

    /// <summary>No SQL Server runs here, so the INSERT is checked as far as its parameters: the JSON EF Core reads is in
    /// nvarchar(max) (the JSON columns' type below SQL Server 2025), the key a uniqueidentifier, times datetime2.</summary>
    [Fact]
    public void OnSqlServerTheTurnInsertSendsJsonAsNvarcharMaxKeysAsUniqueidentifierAndTimesAsDatetime2()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);
        var statement = TurnInserts.Statement.Build(db);
        using var command = new SqlCommand(statement.Sql);
        var turn = Turn(Guid.NewGuid());

        statement.Bind(command, turn, new ArrayBufferWriter<byte>());

        var words = command.Parameters["@words"];
        var segments = command.Parameters["@segments"];
        var byColumn = statement.Columns.Select((c, i) => (c.Property.GetColumnName(), command.Parameters["@p" + i])).ToDictionary();
        Assert.Equal((SqlDbType.NVarChar, -1), (words.SqlDbType, words.Size));
        Assert.Equal((SqlDbType.NVarChar, -1), (segments.SqlDbType, segments.Size));
        Assert.Equal("""[{"word":"what","startMs":10,"endMs":200},{"word":"price","startMs":600,"endMs":900}]""", words.Value);
        Assert.StartsWith("""[{"segment":0,"text":"The price is fine.","audioKey":"avatar/cd/cdef.wav","videoUrl":null,""", (string)segments.Value);
        Assert.Equal(SqlDbType.UniqueIdentifier, byColumn["session_key"].SqlDbType);
        Assert.Equal(turn.SessionKey, byColumn["session_key"].Value);
        Assert.Equal(SqlDbType.DateTime2, byColumn["started_at"].SqlDbType);
        Assert.Equal(SqlDbType.NVarChar, byColumn["errors"].SqlDbType);
        Assert.Equal("""["tts-failed: one segment","retried"]""", byColumn["errors"].Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // an empty error list is written from one value converted once, not per row
    public async Task EFCoreReadsBackEveryFieldOfAnInsertedTurn(bool withErrors)
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(connection).Options;
        var key = Guid.NewGuid();
        var written = Turn(key);
        if (!withErrors)
        {
            written.Errors = [];
            written.ErrorCount = 0;
        }
        await InsertWithItsSessionAsync(options, [written]);

        await using var reader = new SqliteHistoryDbContext(options);
        var read = await reader.Turns.AsNoTracking().SingleAsync();

        Assert.Equal(
            (written.SessionKey, written.Index, written.UserText, written.AiText, written.UserAudioKey, written.QueueMs, written.SttMs, written.AiMs, written.TtsMs, written.StoreMs, written.TotalMs, written.ErrorCount, written.StartedAt, written.CompletedAt),
            (read.SessionKey, read.Index, read.UserText, read.AiText, read.UserAudioKey, read.QueueMs, read.SttMs, read.AiMs, read.TtsMs, read.StoreMs, read.TotalMs, read.ErrorCount, read.StartedAt, read.CompletedAt));
        Assert.Equal(written.Errors, read.Errors);
        await using (var raw = connection.CreateCommand())
        {
            raw.CommandText = "SELECT errors FROM turns";
            Assert.Equal(withErrors ? """["tts-failed: one segment","retried"]""" : "[]", await raw.ExecuteScalarAsync());
        }

        await using (var db = new SqliteHistoryDbContext(options))
        {
            Assert.Equal("[]", TurnInserts.Statement.Build(db).Columns.Single(c => c.Property.Name == nameof(HistoryTurn.Errors)).EmptyCollection);
        }

        Assert.Equal(written.Words.Select(w => (w.Word, w.StartMs, w.EndMs)), read.Words.Select(w => (w.Word, w.StartMs, w.EndMs)));
        Assert.Equal(
            written.AvatarSegments.Select(s => (s.Segment, s.Text, s.AudioKey, s.VideoUrl, s.DurationMs, s.MimeType)),
            read.AvatarSegments.Select(s => (s.Segment, s.Text, s.AudioKey, s.VideoUrl, s.DurationMs, s.MimeType)));
    }

    [Fact]
    public async Task EachTurnOfABatchIsWrittenWithItsOwnValuesNoneLeftFromTheTurnBefore()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var options = new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite(connection).Options;
        var key = Guid.NewGuid();
        var full = Turn(key);
        var bare = new HistoryTurn { SessionKey = key, Index = 4, UserText = "", StartedAt = full.StartedAt, CompletedAt = full.CompletedAt };
        var again = Turn(key);
        again.Index = 5;
        again.AiText = "Another reply.";
        again.Words = [new TurnWord { Word = "fine", StartMs = 5, EndMs = 50 }];
        await InsertWithItsSessionAsync(options, [full, bare, again]);

        await using var reader = new SqliteHistoryDbContext(options);
        var read = await reader.Turns.AsNoTracking().OrderBy(t => t.Index).ToListAsync();

        Assert.Equal(
            new (int, string?, string?, int?, bool, int, int, int)[] { (3, full.AiText, full.UserAudioKey, 15, false, 2, 2, 2), (4, null, null, null, false, 0, 0, 0), (5, "Another reply.", again.UserAudioKey, 15, false, 2, 1, 2) },
            read.Select(t => (t.Index, t.AiText, t.UserAudioKey, t.TotalMs, t.Interrupted, t.Errors.Count, t.Words.Count, t.AvatarSegments.Count)));
    }

    /// <summary>Creates the schema and the turns' session, then inserts the turns in one batch, as the writer does.</summary>
    private static async Task InsertWithItsSessionAsync(DbContextOptions<SqliteHistoryDbContext> options, HistoryTurn[] turns)
    {
        await using var db = new SqliteHistoryDbContext(options);
        await db.Database.EnsureCreatedAsync();
        db.Sessions.Add(new HistorySession
        {
            Key = turns[0].SessionKey, SessionId = "s1", UserId = "alice", ScenarioId = "procurement-price", PersonaName = "Linda Park",
            Language = "en-US", AudioFormat = "pcm16", Status = SessionStatus.Active, StartedAt = turns[0].StartedAt, Node = "n1",
        });
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        await TurnInserts.InsertAsync(db, turns, CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>A turn with every field set.</summary>
    private static HistoryTurn Turn(Guid sessionKey) => new()
    {
        SessionKey = sessionKey,
        Index = 3,
        UserText = "what is the price",
        Words = [new TurnWord { Word = "what", StartMs = 10, EndMs = 200 }, new TurnWord { Word = "price", StartMs = 600, EndMs = 900 }],
        AiText = "The price is fine. Shall we sign?",
        UserAudioKey = "user/ab/abcd.wav",
        AvatarSegments =
        [
            new TurnAvatarSegment { Segment = 0, Text = "The price is fine.", AudioKey = "avatar/cd/cdef.wav", DurationMs = 1200, MimeType = "audio/wav" },
            new TurnAvatarSegment { Segment = 1, Text = "Shall we sign?", AudioKey = "avatar/ef/ef01.wav", VideoUrl = "https://cdn.example/v.mp4", DurationMs = 900, MimeType = "audio/wav" },
        ],
        QueueMs = 1, SttMs = 2, AiMs = 3, TtsMs = 4, StoreMs = 5, TotalMs = 15,
        Errors = ["tts-failed: one segment", "retried"],
        ErrorCount = 2,
        StartedAt = new DateTime(2026, 11, 21, 10, 0, 0, 123, DateTimeKind.Utc),
        CompletedAt = new DateTime(2026, 11, 21, 10, 0, 1, 456, DateTimeKind.Utc),
    };
}
