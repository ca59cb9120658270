using Npgsql;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the PostgreSQL tests, shared through <see cref="PostgresCollection"/>: a fresh
/// cluster (<c>initdb</c>) in a temp folder, started with <c>pg_ctl</c> on a free port of 127.0.0.1 (its unix socket in
/// the same folder), trust authentication, durability off for speed, stopped and deleted at the end. Run as root, the
/// server runs as the <c>postgres</c> user (PostgreSQL refuses root). Each test gets its own database. If the server
/// cannot start, every PostgreSQL test fails with what is missing: they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "roleplayhub-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private string _bin = "";
    private bool _started;

    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Longer than <c>pg_ctl -t 60</c>, so a slow start is reported by pg_ctl with the server's log.</summary>
    private static TimeSpan RunTimeout => TimeSpan.FromSeconds(90);

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 15 }.ConnectionString;

    /// <summary>A connection string for a new, not yet created database (EF's migration creates it).</summary>
    public string NewDatabase() => ConnectionString("rh_" + Guid.NewGuid().ToString("N")[..12]);

    public async Task InitializeAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in $PG_BIN, /usr/lib/postgresql/*/bin or PATH. " +
            "Install them with `scripts/setup.sh test` (Debian package postgresql).");
        if (IsRoot && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            throw new InvalidOperationException("Running as root, the PostgreSQL tests start the server as user postgres with runuser (util-linux), which is missing.");
        }

        Directory.CreateDirectory(Path.Combine(_root, "run"));
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
        }

        Port = Ports.FreeLoopback();
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], asPostgres: IsRoot);
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o",
            $"-p {Port} -k {Path.Combine(_root, "run")} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"], asPostgres: IsRoot);
        _started = true;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asPostgres: IsRoot);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? FindBinaries()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        var configured = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return Has(configured) ? configured : throw new InvalidOperationException($"PG_BIN={configured} holds no initdb and pg_ctl.");
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(v => (Version: int.TryParse(Path.GetFileName(v), out var n) ? n : 0, Bin: Path.Combine(v, "bin")))
                .Where(v => Has(v.Bin))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Bin)
                .FirstOrDefault()
            : null;
        return installed ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => d.Length > 0 && Has(d));
    }


    private async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var result = asPostgres
            ? await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments], _root, RunTimeout)
            : await ProcessRunner.RunAsync(file, arguments, _root, RunTimeout);
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}{log}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
