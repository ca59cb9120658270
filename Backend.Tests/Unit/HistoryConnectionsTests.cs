using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>The history's SQLite connections are plain ones (<see cref="PlainSqliteConnections"/>): opening one does
/// not register EF Core's functions, which no history query uses.</summary>
public sealed class HistoryConnectionsTests
{
    [Fact]
    public async Task AHistoryContextsSqliteConnectionOpensWithoutEfCoresFunctions()
    {
        using var contexts = new OfflineHistoryContexts();
        await using (var db = contexts.Create(DatabaseOptions.Sqlite))
        {
            await db.Database.OpenConnectionAsync();
            var connection = Assert.IsType<SqliteConnection>(db.Database.GetDbConnection());
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version(), ef_add(1, 2)";

            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync());

            Assert.Contains("no such function: ef_add", error.Message, StringComparison.Ordinal);
        }

        SqliteConnection.ClearAllPools(); // the temporary folder's file is closed before it is removed
    }
}
