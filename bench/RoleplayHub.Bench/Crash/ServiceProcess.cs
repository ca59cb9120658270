using System.Diagnostics;

namespace RoleplayHub.Bench.Crash;

/// <summary>The service under trial as its own process, on a data directory the trials share (so each restart finds
/// the history, the media and any pending records the last one left).</summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process) => _process = process;

    public static async Task<ServiceProcess> StartAsync(CrashOptions o, string data, HttpClient http)
    {
        var start = new ProcessStartInfo("dotnet", [o.ServerDll, "--urls", $"http://127.0.0.1:{o.Port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Auth__SigningKey"] = o.JwtSecret;
        env["DataDirectory"] = data;
        env["Logging__LogLevel__Default"] = "Warning";
        env["Stt__PocketSphinx__MaxDecoders"] = "64";
        if (o.Providers == "latency-model")
        {
            env["Stt__Provider"] = env["Ai__Provider"] = env["Tts__Provider"] = "latency-model";
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var log = File.AppendText(Path.Combine(data, "service.log"));
        log.AutoFlush = true;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{o.Port}/readyz")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        service.Dispose();
        throw new InvalidOperationException($"The service was not ready within 60 s (see {data}/service.log).");
    }

    /// <summary>SIGKILL: no drain, no flush, no shutdown hooks.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, the graceful stop, and its wait.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
