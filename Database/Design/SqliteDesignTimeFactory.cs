using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RoleplayHub.Database.Design;

/// <summary>Used by <c>dotnet ef … --context SqliteHistoryDbContext</c> only. <c>database update</c> takes the file
/// from <c>--connection "Data Source=…"</c>; the default is <c>history.db</c> in the current folder.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHistoryDbContext>
{
    public SqliteHistoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHistoryDbContext>().UseSqlite("Data Source=history.db").Options);
}
