using Microsoft.EntityFrameworkCore;

namespace RoleplayHub.Database;

/// <summary>PostgreSQL for production: migrated by <c>dotnet ef database update</c> or <c>sql/postgres.sql</c> (or at
/// start-up when <c>Database:MigrateOnStart</c> is set).</summary>
public sealed class PostgresHistoryDbContext(DbContextOptions<PostgresHistoryDbContext> options) : HistoryDbContext(options);
