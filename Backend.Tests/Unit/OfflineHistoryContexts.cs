using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoleplayHub.Database;
using RoleplayHub.History;
using RoleplayHub.Storage;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// History contexts of each provider made by the service's own <see cref="HistoryContextFactory"/>, with connection
/// strings that lead nowhere: building the model, translating a query (<c>ToQueryString</c>) and generating a
/// migration script open no connection, so SQL Server is checked without a server. The SQLite file is created only by
/// a test that opens its connection, in a temporary directory removed on dispose.
/// </summary>
internal sealed class OfflineHistoryContexts : IDisposable
{
    public const string PostgresNowhere = "Host=nowhere.invalid;Database=roleplayhub;Username=roleplayhub";

    public const string SqlServerNowhere = "Server=nowhere.invalid;Database=roleplayhub;User ID=roleplayhub;Password=unused;Encrypt=true";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "roleplayhub-offline-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Providers => new() { DatabaseOptions.Sqlite, DatabaseOptions.Postgres, DatabaseOptions.SqlServer };

    public HistoryDbContext Create(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = _folder }).Build();
        var data = new DataDirectory(configuration, new HostingEnvironment { ContentRootPath = _folder });
        var options = Options.Create(new DatabaseOptions
        {
            Provider = provider,
            PostgresConnectionString = PostgresNowhere,
            SqlServerConnectionString = SqlServerNowhere,
        });
        return new HistoryContextFactory(options, data, NullLoggerFactory.Instance).CreateDbContext();
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
