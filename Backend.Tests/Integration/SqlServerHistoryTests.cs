using System.Net;
using System.Text.Json;
using RoleplayHub.Tests.Infrastructure;

namespace RoleplayHub.Tests.Integration;

/// <summary>
/// The service configured for SQL Server. No SQL Server can run on this machine (no server, no Docker), so these
/// tests cover what needs none: the start-up checks of the configuration, and a server that cannot be reached — the
/// service starts, says the database is not ready, and keeps every record for later. Writing to and reading from a
/// live SQL Server has not been run (docs/history.md, "SQL Server").
/// </summary>
public sealed class SqlServerHistoryTests : IDisposable
{
    private readonly string _dataDirectory = RoleplayHubFactory.NewDataDirectory();

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, "Database:Provider is sqlserver but ConnectionStrings:SqlServer is empty")]
    [InlineData("Server=db;Database=roleplayhub;Pasword=secret", "ConnectionStrings:SqlServer is not a SQL Server connection string: Keyword not supported: 'pasword'")]
    public void TheServiceRefusesToStartOnSqlServerWithoutAUsableConnectionString(string? connectionString, string message)
    {
        using var factory = new RoleplayHubFactory(_dataDirectory)
            .Setting("Database:Provider", "sqlserver")
            .Setting("ConnectionStrings:SqlServer", connectionString);

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(message, Flatten(failure), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhileNoSqlServerAnswersTheServiceIsNotReadyAndKeepsEveryRecordInAPendingFile()
    {
        // A loopback port nothing listens on: SqlClient is refused at once, as by a server that is down.
        var unreachable = $"Server=127.0.0.1,{Ports.FreeLoopback()};Database=roleplayhub;User ID=roleplayhub;Password=unused;Encrypt=false;Connect Timeout=2;ConnectRetryCount=0";
        var factory = new RoleplayHubFactory(_dataDirectory).WithEchoSpeech()
            .Setting("Database:Provider", "sqlserver")
            .Setting("ConnectionStrings:SqlServer", unreachable)
            .Setting("History:RetryDelay", "00:00:00.100")
            .Setting("History:FlushTimeout", "00:00:01");
        await using (factory)
        {
            await using var client = await factory.ConnectAsync("alice");
            using var http = factory.CreateClient();
            var sessionId = await client.StartAsync();
            await client.SayAndHearAsync(sessionId, "what is the price", 1, 0);

            var ready = await http.GetAsync("/readyz");
            var body = await ready.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("database:sqlserver", body, StringComparison.Ordinal);
            Assert.Contains("cannot connect to the SQL Server database", body, StringComparison.Ordinal);
        }

        // Stopped: the queue went to a pending file, to be written once the server answers.
        var pending = Directory.GetFiles(Path.Combine(_dataDirectory, "history"), "pending-*.jsonl");
        var records = pending.SelectMany(File.ReadAllLines).Select(line => JsonSerializer.Deserialize<JsonElement>(line)).ToList();
        Assert.Single(records, r => r.GetProperty("start").ValueKind == JsonValueKind.Object);
        Assert.Equal(["", "what is the price"], records.Where(r => r.GetProperty("turn").ValueKind == JsonValueKind.Object).Select(r => r.GetProperty("turn").Str("userText")));
        Assert.Equal("shutdown", Assert.Single(records, r => r.GetProperty("end").ValueKind == JsonValueKind.Object).GetProperty("end").Str("reason"));
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.Message : error.Message + " " + Flatten(error.InnerException);
}
