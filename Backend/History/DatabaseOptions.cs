using Microsoft.Extensions.Options;

namespace RoleplayHub.History;

/// <summary>Where the session history lives. Bound from the <c>Database</c> section (the PostgreSQL connection string
/// from <c>ConnectionStrings:Postgres</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The SQLite file, relative to the data directory.</summary>
    public string SqliteFile { get; set; } = "history.db";

    /// <summary>Apply pending migrations at start-up. Unset means yes for SQLite, no for PostgreSQL, whose schema is
    /// changed by a deliberate command (docs/history.md) rather than by whichever node starts first.</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>Filled from <c>ConnectionStrings:Postgres</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    public bool ShouldMigrateOnStart => MigrateOnStart ?? Provider == Sqlite;
}

public sealed class ValidateDatabaseOptions : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions o)
    {
        var errors = new List<string>();
        if (o.Provider is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres))
        {
            errors.Add($"Database:Provider '{o.Provider}' is unknown; use sqlite or postgres (SQL Server needs its provider package, see docs/history.md).");
        }

        if (o.Provider == DatabaseOptions.Sqlite && string.IsNullOrWhiteSpace(o.SqliteFile))
        {
            errors.Add("Database:SqliteFile must name a file (relative to DataDirectory or absolute).");
        }

        if (o.Provider == DatabaseOptions.Postgres && string.IsNullOrWhiteSpace(o.PostgresConnectionString))
        {
            errors.Add("Database:Provider is postgres but ConnectionStrings:Postgres is empty (e.g. Host=db;Database=roleplayhub;Username=roleplayhub;Password=…).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
