using System.Buffers;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// New turn rows written with one <see cref="RowStatement"/> per database instead of through the change tracker, plus
/// the turn's two JSON columns.
/// </summary>
/// <remarks>
/// A turn is the history's hot write (one per reply, ~170 a second at 1,000 sessions) and EF Core's update pipeline
/// allocated ~35 KB for each — modification commands, SQL text, a JSON writer per JSON column — half of everything the
/// loaded server allocated (docs/benchmarks.md). Here a turn costs its parameters and its two JSON strings. Session rows
/// have their own statements (<see cref="SessionRows"/>); the rare replaced or re-sent turn still goes through EF Core.
/// </remarks>
internal static class TurnInserts
{
    private static readonly ConcurrentDictionary<Type, Statement> Statements = new();

    public static async Task InsertAsync(HistoryDbContext db, IReadOnlyList<HistoryTurn> turns, CancellationToken cancellationToken)
    {
        var statement = Statements.GetOrAdd(db.GetType(), _ => Statement.Build(db));
        await using var command = statement.Row.Command(db);
        var json = new ArrayBufferWriter<byte>(1024);
        foreach (var turn in turns)
        {
            statement.Bind(command, turn, json);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The JSON columns' parameter: what each database's JSON column is (jsonb on PostgreSQL; text on SQLite;
    /// nvarchar(max) on SQL Server, which EF Core uses for JSON below SQL Server 2025's json type).</summary>
    private static DbParameter JsonParameter(DbCommand command, string name, string value) => command switch
    {
        NpgsqlCommand => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = value },
        SqlCommand => new SqlParameter(name, SqlDbType.NVarChar, -1) { Value = value },
        SqliteCommand => new SqliteParameter(name, SqliteType.Text) { Value = value },
        _ => throw new NotSupportedException($"No JSON parameter for {command.GetType().Name}."),
    };

    // The JSON EF Core writes and reads for these columns: the property names of HistoryTurnConfiguration (a
    // round-trip test reads every field back through EF Core, so a name that drifts fails it).
    private static string WordsJson(ArrayBufferWriter<byte> buffer, List<TurnWord> words) => JsonArray(buffer, words, static (writer, word) =>
    {
        writer.WriteString("word", word.Word);
        writer.WriteNumber("startMs", word.StartMs);
        writer.WriteNumber("endMs", word.EndMs);
    });

    private static string SegmentsJson(ArrayBufferWriter<byte> buffer, List<TurnAvatarSegment> segments) => JsonArray(buffer, segments, static (writer, segment) =>
    {
        writer.WriteNumber("segment", segment.Segment);
        writer.WriteString("text", segment.Text);
        writer.WriteString("audioKey", segment.AudioKey);
        writer.WriteString("videoUrl", segment.VideoUrl);
        writer.WriteNumber("durationMs", segment.DurationMs);
        writer.WriteString("mimeType", segment.MimeType);
    });

    /// <summary>A JSON array of one object per item, written into the batch's reused buffer.</summary>
    private static string JsonArray<T>(ArrayBufferWriter<byte> buffer, List<T> items, Action<Utf8JsonWriter, T> writeProperties)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writeProperties(writer, item);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The INSERT of one database's model: every stored scalar column but the generated id, then the two
    /// JSON columns.</summary>
    internal sealed record Statement(RowStatement Row)
    {
        public string Sql => Row.Sql;

        public RowColumn[] Columns => Row.Columns;

        public static Statement Build(HistoryDbContext db)
        {
            var turn = db.Model.FindEntityType(typeof(HistoryTurn))!;
            var words = turn.FindComplexProperty(nameof(HistoryTurn.Words))!.ComplexType.GetContainerColumnName()!;
            var segments = turn.FindComplexProperty(nameof(HistoryTurn.AvatarSegments))!.ComplexType.GetContainerColumnName()!;
            return new Statement(RowStatement.Insert(db, turn, (words, "@words"), (segments, "@segments")));
        }

        /// <summary>Sets the command's parameters to those of <paramref name="turn"/>.</summary>
        public void Bind(DbCommand command, HistoryTurn turn, ArrayBufferWriter<byte> json)
        {
            Row.Bind(command, turn);
            RowStatement.SetExtra(command, Columns.Length, WordsJson(json, turn.Words), static (command, value) => JsonParameter(command, "@words", (string)value));
            RowStatement.SetExtra(command, Columns.Length + 1, SegmentsJson(json, turn.AvatarSegments), static (command, value) => JsonParameter(command, "@segments", (string)value));
        }
    }
}
