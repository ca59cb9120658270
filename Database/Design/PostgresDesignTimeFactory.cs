using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RoleplayHub.Database.Design;

/// <summary>Used by <c>dotnet ef … --context PostgresHistoryDbContext</c> only. <c>migrations add</c> and <c>script</c>
/// connect to nothing; <c>database update</c> takes the server from <c>--connection "Host=…;Database=…"</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHistoryDbContext>
{
    public PostgresHistoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHistoryDbContext>().UseNpgsql("Host=localhost;Database=roleplayhub;Username=roleplayhub").Options);
}
