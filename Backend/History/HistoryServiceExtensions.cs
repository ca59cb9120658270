using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.Health;
using RoleplayHub.History;

namespace Microsoft.Extensions.DependencyInjection;

public static class HistoryServiceExtensions
{
    /// <summary>
    /// Session history: the EF Core database (<c>Database:Provider</c> sqlite — the default, a file under the data
    /// directory — postgres or sqlserver), migrated at start-up for SQLite, the background journal writer that the pipeline's
    /// <see cref="ISessionJournal"/> calls feed, start-up recovery of sessions a crash left open, the readiness probe,
    /// the queries, exports and erasures behind <see cref="HistoryApi.MapHistoryApi"/>, and the retention sweep
    /// (<c>History:Retention</c>).
    /// <para>Call it before <c>AddSessionManagement</c>: hosted services stop in reverse order, so the writer then
    /// stops after the session manager has drained and journalled every session's end.</para>
    /// </summary>
    public static IHostApplicationBuilder AddSessionHistory(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.PostgresConnectionString ??= configuration.GetConnectionString(DatabaseOptions.PostgresConnectionName);
                options.SqlServerConnectionString ??= configuration.GetConnectionString(DatabaseOptions.SqlServerConnectionName);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, ValidateDatabaseOptions>();
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HistoryOptions>, ValidateHistoryOptions>();

        services.AddSingleton<IDbContextFactory<HistoryDbContext>, HistoryContextFactory>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<HistoryDbContext>>().CreateDbContext());
        services.AddScoped<HistoryQueries>();
        services.AddSingleton<RecordedSessions>();
        services.AddScoped<SessionExport>();
        services.AddSingleton<HistoryAudit>();
        // A category rule outranks Logging:LogLevel:Default, so raising the default to Warning keeps the audit trail.
        builder.Logging.AddFilter(HistoryAudit.Category, LogLevel.Information);
        services.AddSingleton<HistoryEraser>();
        services.AddHostedService<HistoryRetentionSweeper>();

        services.Replace(ServiceDescriptor.Singleton<IReportArchive, ReportArchive>()); // the trend of coaching reports
        services.AddSingleton<HistoryMetrics>();
        services.AddSingleton<HistoryStore>();
        services.AddSingleton<HistoryWriter>();
        services.Replace(ServiceDescriptor.Singleton<ISessionJournal>(sp => sp.GetRequiredService<HistoryWriter>()));
        services.AddHostedService<HistoryMigrator>(); // before the writer: the schema exists before anything is written
        services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
        services.AddReadinessCheck<DatabaseReadinessCheck>("database:" + (builder.Configuration[$"{DatabaseOptions.Section}:Provider"] ?? DatabaseOptions.Sqlite));
        return builder;
    }
}
