using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The hand-written turn INSERT must keep up with the model: a column added to <c>turns</c> and not to the
/// statement would be silently left empty.</summary>
public sealed class TurnInsertsTests
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void TheTurnInsertNamesEveryColumnOfTheTurnsTableButTheGeneratedId(string provider)
    {
        using HistoryDbContext db = provider == "sqlite"
            ? new SqliteHistoryDbContext(new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite("Data Source=:memory:").Options)
            : new PostgresHistoryDbContext(new DbContextOptionsBuilder<PostgresHistoryDbContext>().UseNpgsql("Host=localhost").Options);
        var table = db.Model.GetRelationalModel().Tables.Single(t => t.Name == "turns");

        var sql = TurnInserts.Statement.Build(db).Sql;

        var expected = table.Columns.Select(c => c.Name).Where(c => c != "id").Order().ToList();
        var named = sql[(sql.IndexOf('(') + 1)..sql.IndexOf(')')].Split(", ").Select(c => c.Trim('"', '`', '[', ']')).Order().ToList();
        Assert.Equal(expected, named);
        Assert.Equal("turns", sql["INSERT INTO ".Length..sql.IndexOf(" (", StringComparison.Ordinal)].Trim('"'));
        Assert.Equal(expected.Count, sql.Split('@').Length - 1);
    }
}
