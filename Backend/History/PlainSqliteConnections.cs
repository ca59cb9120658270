using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RoleplayHub.History;

/// <summary>
/// Hands EF Core the history's SQLite connections instead of letting it make them, so they carry none of the functions
/// EF Core adds to each one it makes (<c>regexp</c> and its <c>ef_*</c> decimal arithmetic). SQLite registers a
/// connection's functions every time the connection opens and removes them every time it closes, and a history
/// context opens one per write batch and per read: most of what reading a trainee's earlier reports allocated at the
/// end of each drill. Invariant: no history query matches a regular expression or computes with decimals (the model has
/// no decimal column); one that did would fail with "no such function", loudly, in the history tests.
/// </summary>
internal sealed class PlainSqliteConnections(string connectionString) : DbConnectionInterceptor
{
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new SqliteConnection(connectionString));
}
