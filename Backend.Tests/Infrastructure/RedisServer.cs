using System.Diagnostics;
using System.Net.Sockets;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A throwaway Redis for the multi-node tests, shared through <see cref="MultiNodeCollection"/>: <c>redis-server</c>
/// (Debian package redis-server, installed by <c>scripts/setup.sh test</c>) on a free port of 127.0.0.1, nothing
/// persisted, killed at the end. If it cannot start, every multi-node test fails saying why: they never skip.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string of this server (<c>ScaleOut:Redis</c>).</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        var binary = new[] { Environment.GetEnvironmentVariable("REDIS_SERVER"), "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .FirstOrDefault(f => !string.IsNullOrEmpty(f) && File.Exists(f))
            ?? throw new InvalidOperationException("redis-server was not found ($REDIS_SERVER, /usr/bin, /usr/local/bin). Install it with `scripts/setup.sh test` (Debian package redis-server).");

        Port = Ports.FreeLoopback();
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"])
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited ({_process.ExitCode}) at start on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The multi-node tests share one Redis and one PostgreSQL (each test its own database and key prefix).</summary>
[CollectionDefinition(Name)]
public sealed class MultiNodeCollection : ICollectionFixture<PostgresServer>, ICollectionFixture<RedisServer>
{
    public const string Name = "MultiNode";
}
