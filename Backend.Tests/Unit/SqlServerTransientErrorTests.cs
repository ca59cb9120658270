using System.Reflection;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>Which SQL Server errors the history writer waits out (retrying the batch) and which it takes as a refusal
/// (the record is set aside): the numbers come from EF Core's internal list, which this pins across upgrades.</summary>
public sealed class SqlServerTransientErrorTests
{
    [Theory]
    [InlineData(1205)] // chosen as a deadlock victim
    [InlineData(-2)] // command timeout: EF does not retry it, the writer's idempotent retry may
    [InlineData(40613)] // Azure SQL: database not currently available (fail-over)
    [InlineData(40501)] // Azure SQL: service busy
    [InlineData(10054)] // connection forcibly closed
    public void SqlServerDeadlocksTimeoutsAndLostConnectionsAreWaitedOut(int number)
    {
        Assert.True(HistoryStore.IsTransient(SqlServerError(number)));
        Assert.True(HistoryStore.IsTransient(new DbUpdateException("The batch failed.", SqlServerError(number))));
    }

    [Fact]
    public void SqlClientDoesNotSayWhichOfItsErrorsAreTransientSoTheWriterCannotAskIt()
    {
        Assert.False(SqlServerError(1205).IsTransient);
        Assert.Equal(typeof(System.Data.Common.DbException), typeof(SqlException).GetProperty(nameof(SqlException.IsTransient))!.DeclaringType);
    }

    [Theory]
    [InlineData(2627)] // unique key violation
    [InlineData(547)] // foreign key violation
    [InlineData(2628)] // string or binary data would be truncated
    [InlineData(208)] // invalid object name: the schema is missing (readiness then says which migrations)
    public void SqlServerRefusalsAreNotTransient(int number)
    {
        Assert.False(HistoryStore.IsTransient(SqlServerError(number)));
        Assert.False(HistoryStore.IsTransient(new DbUpdateException("The batch failed.", SqlServerError(number))));
    }

    /// <summary>SqlClient has no public way to make a SqlException; this calls its internal factory, as SqlClient's own
    /// tests do. A change of those internals fails here loudly rather than making the tests above pass vacuously.</summary>
    private static SqlException SqlServerError(int number)
    {
        const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;
        var error = (SqlError)typeof(SqlError)
            .GetConstructor(Internal, [typeof(int), typeof(byte), typeof(byte), typeof(string), typeof(string), typeof(string), typeof(int), typeof(Exception)])!
            .Invoke([number, (byte)1, (byte)16, "db", $"SQL Server error {number}", "", 0, null]);
        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        typeof(SqlErrorCollection).GetMethod("Add", Internal, [typeof(SqlError)])!.Invoke(errors, [error]);
        var exception = (SqlException)typeof(SqlException)
            .GetMethod("CreateException", BindingFlags.NonPublic | BindingFlags.Static, [typeof(SqlErrorCollection), typeof(string)])!
            .Invoke(null, [errors, "16.00.1000"])!;
        Assert.Equal(number, exception.Number);
        return exception;
    }
}
