using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using RoleplayHub.Database;
using RoleplayHub.History;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// The model, the migrations and the checked-in scripts of each provider agree, checked without a database (the
/// contexts come from the service's own factory, so its run-time options are the ones checked). SQLite and PostgreSQL
/// also run their migrations and scripts in the integration tests; SQL Server has no server here, so for it these
/// checks are what is verified.
/// </summary>
public sealed class HistorySchemaTests : IDisposable
{
    private readonly OfflineHistoryContexts _contexts = new();

    public void Dispose() => _contexts.Dispose();

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheModelHasNoChangeWithoutAMigration(string provider)
    {
        using var db = _contexts.Create(provider);

        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model differs from its last migration: run Database/migrations.sh add <Name>.");
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void EachProviderHasItsOwnInitialHistoryMigration(string provider)
    {
        using var db = _contexts.Create(provider);

        var migrations = db.GetService<IMigrationsAssembly>().Migrations;

        var initial = Assert.Single(migrations, m => m.Key.EndsWith("_InitialHistory", StringComparison.Ordinal));
        Assert.Equal($"RoleplayHub.Database.Migrations.{Folder(provider)}", initial.Value.Namespace);
        Assert.Equal(migrations.Keys, db.Database.GetMigrations());
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheCreateScriptMakesBothTablesWithEveryIndex(string provider)
    {
        using var db = _contexts.Create(provider);
        var indexes = db.Model.GetEntityTypes().SelectMany(e => e.GetIndexes()).Select(i => i.GetDatabaseName()!).ToList();

        var script = db.Database.GenerateCreateScript();

        Assert.Equal(2, Regex.Matches(script, @"CREATE TABLE \W?(sessions|turns)\W? \(").Count);
        Assert.Equal(7, indexes.Count);
        Assert.All(indexes, index => Assert.Contains(index, script, StringComparison.Ordinal));
    }

    [Fact]
    public void OnSqlServerJsonIsNvarcharMaxTimesAreDatetime2AndKeysAreUniqueidentifiers()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);

        var script = db.Database.GenerateCreateScript();

        Assert.IsType<SqlServerHistoryDbContext>(db);
        foreach (var json in new[] { "words", "avatar_segments", "errors" })
        {
            Assert.Contains($"[{json}] nvarchar(max) NOT NULL", script, StringComparison.Ordinal);
        }

        Assert.Contains("[started_at] datetime2 NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("[key] uniqueidentifier NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("[session_key] uniqueidentifier NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("[user_id] nvarchar(450) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("FOREIGN KEY ([session_key]) REFERENCES [sessions] ([key]) ON DELETE CASCADE", script, StringComparison.Ordinal);
    }

    /// <summary>Database/sql/*.sql is what <c>Database/migrations.sh scripts</c> writes: EF's script (idempotent where
    /// EF can make it so) under a comment header that ends at the first blank line. A migration added without
    /// regenerating the scripts, or an EF upgrade that changes them, fails here.</summary>
    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void TheCheckedInScriptEqualsAFreshlyGeneratedOne(string provider)
    {
        using var db = _contexts.Create(provider);
        var file = Path.Combine(Repository.Root, "Database", "sql", $"{provider}.sql");

        // EF Core cannot make a SQLite script idempotent (it refuses the option); the service migrates SQLite itself.
        var options = provider == DatabaseOptions.Sqlite ? MigrationsSqlGenerationOptions.Default : MigrationsSqlGenerationOptions.Idempotent;
        var generated = db.GetService<IMigrator>().GenerateScript(options: options);
        var (header, body) = SplitHeader(File.ReadAllText(file));

        Assert.All(header, line => Assert.StartsWith("-- ", line, StringComparison.Ordinal));
        Assert.Contains("do not edit", header[0], StringComparison.Ordinal);
        Assert.Equal(generated.TrimEnd('\n') + "\n", body);
    }

    [Fact]
    public void TheSqlServerScriptGuardsEveryStatementOfAMigrationByTheMigrationsHistory()
    {
        var (_, script) = SplitHeader(File.ReadAllText(Path.Combine(Repository.Root, "Database", "sql", "sqlserver.sql")));

        var guarded = Regex.Matches(script, @"IF NOT EXISTS \(\s+SELECT \* FROM \[__EFMigrationsHistory\]\s+WHERE \[MigrationId\] = N'\d+_\w+'\s+\)\s+BEGIN\s+(?<statement>CREATE TABLE|CREATE (UNIQUE )?INDEX|ALTER TABLE|INSERT INTO \[__EFMigrationsHistory\])");
        var statements = Regex.Matches(script, @"^\s*(CREATE TABLE|CREATE (UNIQUE )?INDEX|ALTER TABLE|INSERT INTO)", RegexOptions.Multiline);

        Assert.StartsWith("IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL", script, StringComparison.Ordinal);
        // Initial: two tables, seven indexes; TurnLatencyMilestones: three columns; ReplyInterruptions: two;
        // CoachingReports: one; SessionResumeSettings: one; ReportScores: one; a history row per migration.
        Assert.Equal(2 + 7 + 3 + 2 + 1 + 1 + 1 + 6, guarded.Count);
        Assert.Equal(guarded.Count + 1, statements.Count); // and the history table itself, created only if absent
    }

    private static (string[] Header, string Body) SplitHeader(string script)
    {
        var blank = script.IndexOf("\n\n", StringComparison.Ordinal);
        Assert.True(blank > 0, "The script has no header: regenerate it with Database/migrations.sh scripts.");
        return (script[..blank].Split('\n'), script[(blank + 2)..]);
    }

    private static string Folder(string provider) => provider switch
    {
        DatabaseOptions.Sqlite => "Sqlite",
        DatabaseOptions.Postgres => "Postgres",
        DatabaseOptions.SqlServer => "SqlServer",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
