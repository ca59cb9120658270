using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Options;

namespace RoleplayHub.History;

/// <summary>Where the session history lives. Bound from the <c>Database</c> section (the server connection strings from
/// <c>ConnectionStrings:Postgres</c> and <c>ConnectionStrings:SqlServer</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    public const string SqlServer = "sqlserver";

    /// <summary>The <c>ConnectionStrings</c> entry of each server provider.</summary>
    public const string PostgresConnectionName = "Postgres";

    public const string SqlServerConnectionName = "SqlServer";

    /// <summary><c>sqlite</c> (embedded, the default), <c>postgres</c> or <c>sqlserver</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The SQLite file, relative to the data directory.</summary>
    public string SqliteFile { get; set; } = "history.db";

    /// <summary>Apply pending migrations at start-up. Unset means yes for SQLite, no for the server databases
    /// (PostgreSQL, SQL Server), whose schema is changed by a deliberate command (docs/history.md) rather than by
    /// whichever node starts first.</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>Filled from <c>ConnectionStrings:Postgres</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Filled from <c>ConnectionStrings:SqlServer</c>.</summary>
    public string? SqlServerConnectionString { get; set; }

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Provider == Sqlite;
}

public sealed class ValidateDatabaseOptions : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        var errors = new List<string>();
        if (o.Provider is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres or DatabaseOptions.SqlServer))
        {
            errors.Add($"Database:Provider '{o.Provider}' is unknown; use {DatabaseOptions.Sqlite}, {DatabaseOptions.Postgres} or {DatabaseOptions.SqlServer}.");
        }

        if (o.Provider == DatabaseOptions.Sqlite && string.IsNullOrWhiteSpace(o.SqliteFile))
        {
            errors.Add("Database:SqliteFile must name a file (relative to DataDirectory or absolute).");
        }

        if (o.Provider == DatabaseOptions.Postgres && string.IsNullOrWhiteSpace(o.PostgresConnectionString))
        {
            errors.Add("Database:Provider is postgres but ConnectionStrings:Postgres is empty (e.g. Host=db;Database=roleplayhub;Username=roleplayhub;Password=…).");
        }

        if (o.Provider == DatabaseOptions.SqlServer)
        {
            ValidateSqlServer(o.SqlServerConnectionString, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Present and parseable: a misspelt keyword fails the start rather than the first history write.</summary>
    private static void ValidateSqlServer(string? connectionString, List<string> errors)
    {
        const string Example = "e.g. Server=db,1433;Database=roleplayhub;User ID=roleplayhub;Password=…;Encrypt=true";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            errors.Add($"Database:Provider is sqlserver but ConnectionStrings:SqlServer is empty ({Example}).");
            return;
        }

        try
        {
            _ = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            errors.Add($"ConnectionStrings:SqlServer is not a SQL Server connection string: {ex.Message} ({Example}).");
        }
    }
}
