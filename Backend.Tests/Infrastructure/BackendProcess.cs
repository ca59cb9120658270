using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using RoleplayHub.Auth;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// The service as a real process (the Backend build output, on a loopback port), for what an in-process host cannot
/// show: being killed. <see cref="Kill"/> is SIGKILL — no drain, no flush, like a crash or an OOM kill.
/// </summary>
public sealed class BackendProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BackendProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the service with <see cref="RoleplayHubFactory.DefaultSettings"/> and <paramref name="settings"/>
    /// (configuration keys, e.g. <c>Database:Provider</c>) and waits until <c>/readyz</c> says it is ready: every
    /// provider and the database can serve a session (<c>/healthz</c> would only say the process is up).</summary>
    public static async Task<BackendProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var folder = Path.Combine(Repository.Root, "Backend", "bin", Configuration, "net10.0");
        var dll = Path.Combine(folder, "RoleplayHub.Backend.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution ({Configuration}) first.");
        }

        var port = Ports.FreeLoopback();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in RoleplayHubFactory.DefaultSettings.Concat(settings))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet could not be started.");
        var backend = new BackendProcess(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => backend.Append(e.Data);
        process.ErrorDataReceived += (_, e) => backend.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri(backend.BaseUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var readiness = "no answer";
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited ({process.ExitCode}) while starting:\n{backend.Output}");
            }

            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return backend;
                }

                readiness = $"{(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}"; // names the probe that is not ready
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await backend.DisposeAsync();
                throw new TimeoutException($"The service was not ready within 60 s (/readyz: {readiness}):\n{backend.Output}");
            }

            await Task.Delay(100);
        }
    }

    public string Token(string userId, params string[] roles) =>
        new TokenIssuer(Options.Create(new AuthOptions { SigningKey = RoleplayHubFactory.SigningKey }), TimeProvider.System).Issue(userId, roles, TimeSpan.FromHours(1)).Token;

    public HttpClient CreateClient(string userId, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token(userId, roles));
        return client;
    }

    public Task<RoleplayHubClient> ConnectAsync(string userId) =>
        RoleplayHubClient.ConnectAsync(HubEndpoint.OverNetwork(new Uri($"{BaseUrl}/hubs/roleplay")), Token(userId));

    /// <summary>SIGTERM, the graceful stop a container runtime or systemd sends; returns once the process has exited.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>SIGKILL: the process ends now, as in a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await Task.CompletedTask;
        _process.Dispose();
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

}
