using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;

namespace RoleplayHub.Tests.Unit;

/// <summary>Checks of the history's hand-built statements against the EF Core model they are built from.</summary>
internal static class ModelStatements
{
    /// <summary>The INSERT names <paramref name="table"/> and every column of it but the generated id, each with a
    /// placeholder.</summary>
    public static void AssertInsertsEveryColumnButTheGeneratedId(HistoryDbContext db, string table, string sql)
    {
        var expected = db.Model.GetRelationalModel().Tables.Single(t => t.Name == table).Columns.Select(c => c.Name).Where(c => c != "id").Order().ToList();

        Assert.Equal(expected, Names(sql[(sql.IndexOf('(') + 1)..sql.IndexOf(')')], ", "));
        Assert.Equal(table, Unquoted(sql["INSERT INTO ".Length..sql.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.Equal(expected.Count, sql.Split('@').Length - 1);
    }

    /// <summary>Every placeholder of <paramref name="sql"/> has a parameter in <paramref name="command"/>, made by the
    /// provider's own driver.</summary>
    public static void AssertEveryPlaceholderHasADriverParameter(string sql, DbCommand command)
    {
        var placeholders = Regex.Matches(sql, @"@\w+").Select(m => m.Value).Order();
        var parameters = command.Parameters.Cast<DbParameter>().ToList();
        Assert.Equal(placeholders, parameters.Select(p => p.ParameterName).Order());
        Assert.All(parameters, p => Assert.Equal(command.GetType().Assembly, p.GetType().Assembly));
    }

    /// <summary>The column names of a list of columns or of <c>column = value</c> assignments, unquoted, in order.</summary>
    public static List<string> Names(string list, string separator) =>
        [.. list.Split(separator).Select(item => Unquoted(item.Split(" = ")[0])).Order()];

    private static string Unquoted(string name) => name.Trim('"', '`', '[', ']');
}
