using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RoleplayHub.Database.Design;

/// <summary>Used by <c>dotnet ef … --context SqlServerHistoryDbContext</c> only. <c>migrations add</c> and <c>script</c>
/// connect to nothing; <c>database update</c> takes the server from <c>--connection "Server=…;Database=…"</c>.</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerHistoryDbContext>
{
    public SqlServerHistoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerHistoryDbContext>().UseSqlServer("Server=localhost;Database=roleplayhub;Integrated Security=true;TrustServerCertificate=true").Options);
}
