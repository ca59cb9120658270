using System.Collections;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using RoleplayHub.Database;

namespace RoleplayHub.History;

/// <summary>One column of a <see cref="RowStatement"/>: the property, its mapping and its parameter's name.</summary>
internal sealed record RowColumn(IProperty Property, RelationalTypeMapping Mapping, string Parameter)
{
    /// <summary>Of a list the mapping converts (a primitive collection stored as JSON text), what an empty one is
    /// written as, converted once: a turn's error list is nearly always empty, and EF Core's converter runs a JSON
    /// writer over a new stream for each value.</summary>
    public object? EmptyCollection { get; } =
        Property.IsPrimitiveCollection && Mapping.Converter is { } converter && Property.ClrType.GetConstructor(Type.EmptyTypes) is { } empty
            ? converter.ConvertToProvider(empty.Invoke(null))
            : null;

    /// <summary>What a parameter of this column holds for <paramref name="value"/>: as the mapping's own
    /// <c>CreateParameter</c> converts it.</summary>
    public object ProviderValue(object? value) =>
        (value is ICollection { Count: 0 } && EmptyCollection is { } empty ? empty
            : Mapping.Converter is { } converter ? converter.ConvertToProvider(value)
            : value) ?? DBNull.Value;
}

/// <summary>
/// A statement of one row built once per database from the EF Core model (its table, column names and type mappings,
/// so it follows the mapping and every provider), and how to bind a row's values in column order. The history's hot
/// writes (<see cref="TurnInserts"/>, <see cref="SessionRows"/>) go through these instead of the change tracker.
/// </summary>
internal sealed record RowStatement(string Sql, RowColumn[] Columns)
{
    /// <summary>Inserts every stored column of <paramref name="entity"/> but the generated id, then the
    /// <paramref name="more"/> columns, which their caller binds itself.</summary>
    public static RowStatement Insert(HistoryDbContext db, IEntityType entity, params (string Column, string Parameter)[] more)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = ColumnsOf(entity.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd));
        var names = columns.Select(c => c.Property.GetColumnName()).Concat(more.Select(m => m.Column)).Select(name => sql.DelimitIdentifier(name));
        var values = columns.Select(c => c.Parameter).Concat(more.Select(m => m.Parameter));
        return new RowStatement($"INSERT INTO {Table(sql, entity)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", values)})", columns);
    }

    /// <summary>Sets the <paramref name="set"/> properties of the rows whose <paramref name="where"/> properties equal
    /// the values given; values are bound set first, then where, each in the order named.</summary>
    public static RowStatement Update(HistoryDbContext db, IEntityType entity, string[] set, string[] where)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var assigned = ColumnsOf(set.Select(name => entity.FindProperty(name)!));
        var matched = ColumnsOf(where.Select(name => entity.FindProperty(name)!), first: assigned.Length);
        string Equal(RowColumn c) => $"{sql.DelimitIdentifier(c.Property.GetColumnName())} = {c.Parameter}";
        return new RowStatement(
            $"UPDATE {Table(sql, entity)} SET {string.Join(", ", assigned.Select(Equal))} WHERE {string.Join(" AND ", matched.Select(Equal))}",
            [.. assigned, .. matched]);
    }

    /// <summary>A command of this statement on the context's connection, in its transaction if one is open.</summary>
    public DbCommand Command(HistoryDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Sql;
        return command;
    }

    /// <summary>Sets the command's first parameters to <paramref name="values"/>, converted by each column's mapping.</summary>
    public void Bind(DbCommand command, ReadOnlySpan<object?> values)
    {
        var rebind = Rebinds(command);
        for (var i = 0; i < Columns.Length; i++)
        {
            Set(command, rebind, i, values[i]);
        }
    }

    /// <summary>Sets the command's first parameters to the columns' values in <paramref name="entity"/>.</summary>
    public void Bind(DbCommand command, object entity)
    {
        var rebind = Rebinds(command);
        for (var i = 0; i < Columns.Length; i++)
        {
            Set(command, rebind, i, Columns[i].Property.GetGetter().GetClrValueUsingContainingEntity(entity));
        }
    }

    /// <summary>Sets parameter <paramref name="index"/>, one of the caller's own after the columns': in place when the
    /// command is bound again (<see cref="Bind(DbCommand, object)"/> said so by leaving its parameters), else added.</summary>
    public static void SetExtra(DbCommand command, int index, object value, Func<DbCommand, object, DbParameter> create)
    {
        if (index < command.Parameters.Count)
        {
            command.Parameters[index].Value = value;
        }
        else
        {
            command.Parameters.Add(create(command, value));
        }
    }

    /// <summary>
    /// Whether the command's parameters, bound once, are bound again with each row's values in place rather than
    /// created anew: one object per column and row was among the loaded server's largest allocations. Only on SQLite,
    /// whose type mappings configure a parameter the same whatever its value; SQL Server's size a string parameter by
    /// its value, so there each row gets new ones. Otherwise the parameters are cleared, to be added again.
    /// </summary>
    private bool Rebinds(DbCommand command)
    {
        if (command is SqliteCommand && command.Parameters.Count >= Columns.Length)
        {
            return true;
        }

        command.Parameters.Clear();
        return false;
    }

    private void Set(DbCommand command, bool rebind, int index, object? value)
    {
        if (rebind)
        {
            command.Parameters[index].Value = Columns[index].ProviderValue(value);
        }
        else
        {
            Add(command, Columns[index], value);
        }
    }

    private static RowColumn[] ColumnsOf(IEnumerable<IProperty> properties, int first = 0) =>
        [.. properties.Select((p, i) => new RowColumn(p, p.GetRelationalTypeMapping(), "@p" + (first + i)))];

    private static string Table(ISqlGenerationHelper sql, IEntityType entity) => sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());

    private static void Add(DbCommand command, RowColumn column, object? value)
    {
        if (value is ICollection { Count: 0 } && column.EmptyCollection is { } empty)
        {
            var parameter = column.Mapping.CreateParameter(command, column.Parameter, null, column.Property.IsNullable);
            parameter.Value = empty;
            command.Parameters.Add(parameter);
            return;
        }

        command.Parameters.Add(column.Mapping.CreateParameter(command, column.Parameter, value, column.Property.IsNullable));
    }
}
