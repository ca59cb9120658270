using Microsoft.EntityFrameworkCore;

namespace RoleplayHub.Database;

/// <summary>The embedded default: one SQLite file under the data directory (WAL mode), migrated at start-up.</summary>
public sealed class SqliteHistoryDbContext(DbContextOptions<SqliteHistoryDbContext> options) : HistoryDbContext(options);
