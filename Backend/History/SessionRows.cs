using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.History;

/// <summary>
/// A session row's two writes in a batch: its insert when it starts and its update when it ends, as statements built
/// once per database from the EF Core model (its table, column names and type mappings, so they follow the mapping and
/// every provider), like <see cref="TurnInserts"/>.
/// </summary>
/// <remarks>
/// Through the change tracker, a session end cost a query to load the row and EF Core's update pipeline to write five
/// columns back, and a start the same pipeline to insert it: together an eighth of what the loaded server allocated
/// (docs/benchmarks.md). The end's update names the node that ran the session, so a row another node took over is
/// left alone and found by the update changing nothing.
/// </remarks>
internal static class SessionRows
{
    private static readonly ConcurrentDictionary<Type, Statements> ByDatabase = new();

    private static readonly string[] EndColumns =
    [
        nameof(HistorySession.Status), nameof(HistorySession.EndedAt), nameof(HistorySession.EndReason),
        nameof(HistorySession.TotalTurns), nameof(HistorySession.Report),
    ];

    private static readonly string[] EndKeys = [nameof(HistorySession.Key), nameof(HistorySession.Node)];

    public static async Task InsertAsync(HistoryDbContext db, IReadOnlyList<HistorySession> sessions, CancellationToken cancellationToken)
    {
        if (sessions.Count == 0)
        {
            return;
        }

        var insert = For(db).Insert;
        await using var command = Command(db, insert);
        foreach (var session in sessions)
        {
            insert.Bind(command, session);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Ends the row of session <paramref name="key"/> run by <paramref name="node"/>; false when there is no
    /// such row (not recorded, or another node's now).</summary>
    public static async Task<bool> EndAsync(HistoryDbContext db, Guid key, string node, DateTime endedAt, string reason, int totalTurns, string? report, CancellationToken cancellationToken)
    {
        var end = For(db).End;
        await using var command = Command(db, end);
        end.Bind(command, [SessionStatus.Ended, endedAt, reason, totalTurns, report, key, node]); // EndColumns, then EndKeys
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    internal static Statements For(HistoryDbContext db) => ByDatabase.GetOrAdd(db.GetType(), _ => Statements.Build(db));

    private static DbCommand Command(HistoryDbContext db, RowStatement statement)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = statement.Sql;
        return command;
    }

    internal sealed record Statements(RowStatement Insert, RowStatement End)
    {
        public static Statements Build(HistoryDbContext db)
        {
            var session = db.Model.FindEntityType(typeof(HistorySession))!;
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = sql.DelimitIdentifier(session.GetTableName()!, session.GetSchema());
            var inserted = RowStatement.ColumnsOf(session.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd));
            var set = RowStatement.ColumnsOf(EndColumns.Select(name => session.FindProperty(name)!));
            var where = RowStatement.ColumnsOf(EndKeys.Select(name => session.FindProperty(name)!), first: set.Length);
            return new Statements(
                new RowStatement(
                    $"INSERT INTO {table} ({string.Join(", ", inserted.Select(c => Column(sql, c)))}) VALUES ({string.Join(", ", inserted.Select(c => c.Parameter))})",
                    inserted),
                new RowStatement(
                    $"UPDATE {table} SET {string.Join(", ", set.Select(c => $"{Column(sql, c)} = {c.Parameter}"))} WHERE {string.Join(" AND ", where.Select(c => $"{Column(sql, c)} = {c.Parameter}"))}",
                    [.. set, .. where]));
        }

        private static string Column(ISqlGenerationHelper sql, RowColumn column) => sql.DelimitIdentifier(column.Property.GetColumnName());
    }
}

/// <summary>One column of a <see cref="RowStatement"/>: the property, its mapping and its parameter's name.</summary>
internal sealed record RowColumn(IProperty Property, RelationalTypeMapping Mapping, string Parameter);

/// <summary>A statement of one row built from the model, and how to bind its values (in column order).</summary>
internal sealed record RowStatement(string Sql, RowColumn[] Columns)
{
    public static RowColumn[] ColumnsOf(IEnumerable<IProperty> properties, int first = 0) =>
        [.. properties.Select((p, i) => new RowColumn(p, p.GetRelationalTypeMapping(), "@p" + (first + i)))];

    /// <summary>Replaces the command's parameters with <paramref name="values"/>, converted by each column's mapping.</summary>
    public void Bind(DbCommand command, ReadOnlySpan<object?> values)
    {
        command.Parameters.Clear();
        for (var i = 0; i < Columns.Length; i++)
        {
            Add(command, Columns[i], values[i]);
        }
    }

    /// <summary>Replaces the command's parameters with the columns' values in <paramref name="entity"/>.</summary>
    public void Bind(DbCommand command, object entity)
    {
        command.Parameters.Clear();
        foreach (var column in Columns)
        {
            Add(command, column, column.Property.GetGetter().GetClrValueUsingContainingEntity(entity));
        }
    }

    private static void Add(DbCommand command, RowColumn column, object? value) =>
        command.Parameters.Add(column.Mapping.CreateParameter(command, column.Parameter, value, column.Property.IsNullable));
}
