using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.Storage;

namespace RoleplayHub.History;

/// <summary>
/// The one place the history provider is chosen (<c>Database:Provider</c>): SQLite, PostgreSQL or SQL Server, each with
/// its own context and migrations over the one model.
/// </summary>
/// <remarks>
/// No provider gets a retrying execution strategy (SQL Server's <c>EnableRetryOnFailure</c>): it refuses the
/// transactions <see cref="HistoryStore"/> opens itself, and the history writer already retries whole batches,
/// idempotently, after the failures <see cref="HistoryStore.IsTransient"/> recognises.
/// </remarks>
internal sealed class HistoryContextFactory : IDbContextFactory<HistoryDbContext>
{
    private readonly Func<HistoryDbContext> _create;

    public HistoryContextFactory(IOptions<DatabaseOptions> options, DataDirectory data, ILoggerFactory loggers)
    {
        var database = options.Value;
        _create = database.Provider switch
        {
            DatabaseOptions.Sqlite => Build<SqliteHistoryDbContext>(builder =>
            {
                var connectionString = SqliteConnectionString(data.Resolve(database.SqliteFile));
                builder.UseSqlite(connectionString).AddInterceptors(new PlainSqliteConnections(connectionString));
            }),
            DatabaseOptions.Postgres => Build<PostgresHistoryDbContext>(
                builder => builder.UseNpgsql(database.PostgresConnectionString)),
            DatabaseOptions.SqlServer => Build<SqlServerHistoryDbContext>(
                builder => builder.UseSqlServer(database.SqlServerConnectionString)),
            _ => throw new InvalidOperationException($"Database:Provider '{database.Provider}' is unknown; use {DatabaseOptions.Sqlite}, {DatabaseOptions.Postgres} or {DatabaseOptions.SqlServer}."),
        };

        Func<HistoryDbContext> Build<TContext>(Action<DbContextOptionsBuilder<TContext>> configure)
            where TContext : HistoryDbContext
        {
            var builder = new DbContextOptionsBuilder<TContext>().UseLoggerFactory(loggers);
            configure(builder);
            // Pooled: a new context builds EF's internal services (a DI scope of a few dozen) before its first
            // query; the history writer opens one per batch, and those scopes were 6 % of the server's allocations
            // under load (docs/benchmarks.md). A disposed context is reset and reused instead.
            var pool = new PooledDbContextFactory<TContext>(builder.Options);
            return pool.CreateDbContext;
        }
    }

    public HistoryDbContext CreateDbContext() => _create();

    /// <summary>A pooled connection string for the file; the folder is created here so the first open succeeds.</summary>
    internal static string SqliteConnectionString(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }
}
