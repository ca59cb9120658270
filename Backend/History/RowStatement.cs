using System.Collections;
using System.Data.Common;
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
