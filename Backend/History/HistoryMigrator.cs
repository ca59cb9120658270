using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;

namespace RoleplayHub.History;

/// <summary>
/// Applies pending migrations before the service takes requests: always for SQLite (an embedded file the service
/// owns, switched to WAL so API reads never wait for the writer), and for PostgreSQL and SQL Server only when
/// <c>Database:MigrateOnStart</c> is set — production schemas change by the documented command instead. A failure
/// stops the start: a service that cannot keep history must say so at once.
/// </summary>
internal sealed class HistoryMigrator(IDbContextFactory<HistoryDbContext> contexts, IOptions<DatabaseOptions> options, ILogger<HistoryMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ShouldMigrateOnStart)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("History: applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Count, options.Value.Provider, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (db is SqliteHistoryDbContext)
        {
            // Persistent in the file: readers and the single writer no longer block each other.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
