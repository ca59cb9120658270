using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// New turns on SQLite, many rows a statement: <c>INSERT … SELECT value -&gt;&gt; 0, … FROM json_each(@rows)</c>
/// over the rows' values written as one JSON array, so a statement binds one parameter, not one per column and row.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite makes a binder for every parameter on every execution and encodes its name (and a text value)
/// to UTF-8 again each time: with a statement per turn of 22 parameters, that was nearly a quarter of everything a
/// loaded server allocated (docs/benchmarks.md, "What a turn costs beyond the transport"). Here the values are written
/// once, as UTF-8 JSON, and SQLite reads the array in place. Each value is the one the per-row statement binds (the
/// column's converter applied) in the form Microsoft.Data.Sqlite stores it — keys as upper-case text, times as
/// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text, flags as 0 and 1 — and the two JSON columns are their arrays themselves,
/// which <c>-&gt;&gt;</c> returns as JSON text; a test compares what both statements store, column by column.
/// </remarks>
internal sealed class SqliteTurnBatches
{
    // A statement's rows end before the large object heap's 85,000 bytes: its blob is allocated per statement.
    private const int MaxBytes = 48 * 1024;

    private readonly TurnInserts.Statement _statement;
    private readonly ValueKind[] _kinds;
    private ArrayBufferWriter<byte>? _spare; // the last batch's buffer, grown to a statement's rows: kept, not regrown

    private SqliteTurnBatches(TurnInserts.Statement statement, ValueKind[] kinds, string sql)
    {
        _statement = statement;
        _kinds = kinds;
        Sql = sql;
    }

    public string Sql { get; }

    /// <summary>The batch statement of <paramref name="statement"/>'s columns, or null when a column's stored type is
    /// not one this writes (the per-row statement takes those turns).</summary>
    public static SqliteTurnBatches? For(TurnInserts.Statement statement)
    {
        var kinds = new ValueKind[statement.Columns.Length];
        for (var i = 0; i < kinds.Length; i++)
        {
            var column = statement.Columns[i];
            var stored = column.Mapping.Converter?.ProviderClrType ?? column.Property.ClrType;
            if (KindOf(Nullable.GetUnderlyingType(stored) ?? stored) is not { } kind)
            {
                return null;
            }

            kinds[i] = kind;
        }

        var values = string.Join(", ", Enumerable.Range(0, kinds.Length + 2).Select(i => $"value ->> {i}"));
        return new SqliteTurnBatches(statement, kinds, statement.Row.InsertSelecting($"SELECT {values} FROM json_each(CAST(@rows AS TEXT))"));
    }

    public async Task InsertAsync(HistoryDbContext db, IReadOnlyList<HistoryTurn> turns, CancellationToken cancellationToken)
    {
        await using var command = _statement.Row.Command(db);
        command.CommandText = Sql;
        var rows = new SqliteParameter("@rows", SqliteType.Blob);
        command.Parameters.Add(rows);
        var buffer = Interlocked.Exchange(ref _spare, null) ?? new ArrayBufferWriter<byte>(MaxBytes + (MaxBytes / 2));
        try
        {
            await InsertAsync(command, rows, buffer, turns, cancellationToken);
        }
        finally
        {
            if (buffer.Capacity <= 2 * MaxBytes) // one outsized turn's buffer is not kept for good
            {
                _spare = buffer;
            }
        }
    }

    private async Task InsertAsync(DbCommand command, SqliteParameter rows, ArrayBufferWriter<byte> buffer, IReadOnlyList<HistoryTurn> turns, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(buffer);
        var next = 0;
        while (next < turns.Count)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            json.WriteStartArray();
            do
            {
                WriteRow(json, turns[next++]);
                json.Flush();
            }
            while (next < turns.Count && buffer.WrittenCount < MaxBytes);

            json.WriteEndArray();
            json.Flush();
            rows.Value = buffer.WrittenSpan.ToArray(); // the driver binds whole arrays only
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private void WriteRow(Utf8JsonWriter json, HistoryTurn turn)
    {
        json.WriteStartArray();
        var columns = _statement.Columns;
        for (var i = 0; i < columns.Length; i++)
        {
            Write(json, _kinds[i], columns[i].ProviderValue(columns[i].Property.GetGetter().GetClrValueUsingContainingEntity(turn)));
        }

        TurnInserts.WriteWords(json, turn.Words);
        TurnInserts.WriteSegments(json, turn.AvatarSegments);
        json.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter json, ValueKind kind, object value)
    {
        if (value is DBNull)
        {
            json.WriteNullValue();
            return;
        }

        switch (kind)
        {
            case ValueKind.Text:
                json.WriteStringValue((string)value);
                break;
            case ValueKind.Integer:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ValueKind.Flag:
                json.WriteNumberValue((bool)value ? 1 : 0);
                break;
            case ValueKind.Key:
                Span<char> key = stackalloc char[36];
                ((Guid)value).TryFormat(key, out _);
                for (var c = 0; c < key.Length; c++)
                {
                    key[c] = char.ToUpperInvariant(key[c]);
                }

                json.WriteStringValue(key);
                break;
            case ValueKind.Time:
                Span<char> time = stackalloc char[32];
                ((DateTime)value).TryFormat(time, out var length, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);
                json.WriteStringValue(time[..length]);
                break;
        }
    }

    private static ValueKind? KindOf(Type stored) =>
        stored == typeof(string) ? ValueKind.Text
        : stored == typeof(int) || stored == typeof(long) || stored == typeof(short) || stored == typeof(byte) ? ValueKind.Integer
        : stored == typeof(bool) ? ValueKind.Flag
        : stored == typeof(Guid) ? ValueKind.Key
        : stored == typeof(DateTime) ? ValueKind.Time
        : null;

    private enum ValueKind { Text, Integer, Flag, Key, Time }
}
