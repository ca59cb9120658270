using Microsoft.EntityFrameworkCore;

namespace RoleplayHub.Database;

/// <summary>SQL Server: migrated by <c>dotnet ef database update</c> or <c>sql/sqlserver.sql</c> (or at start-up when
/// <c>Database:MigrateOnStart</c> is set), like PostgreSQL.</summary>
public sealed class SqlServerHistoryDbContext(DbContextOptions<SqlServerHistoryDbContext> options) : HistoryDbContext(options);
