using System.Text;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database.Configurations;
using RoleplayHub.Database.Entities;

namespace RoleplayHub.Database;

/// <summary>
/// Session history: <c>sessions</c> and their <c>turns</c>. The model is provider-neutral; each provider has a sealed
/// subclass (<see cref="SqliteHistoryDbContext"/>, <see cref="PostgresHistoryDbContext"/>,
/// <see cref="SqlServerHistoryDbContext"/>) so each keeps its own migrations (<c>Migrations/Sqlite</c>,
/// <c>Migrations/Postgres</c>, <c>Migrations/SqlServer</c>). Tables and columns are snake_case so hand-written SQL needs
/// no quoting on PostgreSQL.
/// </summary>
/// <remarks>
/// After changing the model, add a migration for <b>every</b> provider and regenerate the SQL scripts in one step
/// (from the repository root): <c>Database/migrations.sh add &lt;Name&gt;</c>, which runs
/// <c>dotnet ef migrations add &lt;Name&gt; --project Database --context &lt;Provider&gt;HistoryDbContext --output-dir
/// Migrations/&lt;Provider&gt;</c> for each context and then rewrites <c>Database/sql/*.sql</c>. The tests fail while a
/// model change has no migration or a script differs from a freshly generated one.
/// </remarks>
public abstract class HistoryDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<HistorySession> Sessions => Set<HistorySession>();

    public DbSet<HistoryTurn> Turns => Set<HistoryTurn>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new HistorySessionConfiguration());
        modelBuilder.ApplyConfiguration(new HistoryTurnConfiguration());
        UseSnakeCaseNames(modelBuilder);
    }

    private static void UseSnakeCaseNames(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(key.IsPrimaryKey() ? $"pk_{entity.GetTableName()}" : $"ak_{entity.GetTableName()}_{string.Join("_", key.Properties.Select(p => SnakeCase(p.Name)))}");
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"fk_{entity.GetTableName()}_{foreignKey.PrincipalEntityType.GetTableName()}");
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join("_", index.Properties.Select(p => SnakeCase(p.Name)))}");
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
